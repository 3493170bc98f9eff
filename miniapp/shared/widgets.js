/**
 * widgets.js — the labelled field and the badge, one of each for both front ends.
 *
 * Interface
 *   field(label, control, { hint, required })  <div class="field">: a <label for> naming the control (or the
 *                         first input inside it), the control, a hint under it. ui.showError puts a field's
 *                         error message in the same box.
 *   badge(text, kind = "neutral", testid)      <span class="badge badge-{kind}">; kinds: neutral, ok, info,
 *                         warn, danger, muted
 */
import { h } from "./ui.js";

const CONTROLS = "input, select, textarea";

function labelled(control) {
  if (control.matches?.(CONTROLS)) return control;
  return control.focusTarget || control.querySelector?.(CONTROLS) || null;
}

export function field(label, control, { hint = null, required = false } = {}) {
  const target = labelled(control);
  if (target && !target.id) target.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  return h("div", { class: "field" },
    h("label", { class: "field-label", for: target ? target.id : null }, label,
      required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("p", { class: "hint" }, hint) : null);
}

export function badge(text, kind = "neutral", testid = null) {
  return h("span", { class: `badge badge-${kind}`, "data-testid": testid }, text);
}
