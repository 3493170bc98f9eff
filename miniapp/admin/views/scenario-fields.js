/**
 * The form-fields editor of a scenario: one card per question (name, type, labels, required,
 * sensitive, help, and the constraints its type allows), add / move / remove. Inputs are named
 * `fields.<i>.<prop>` so the API's error details (`fields.2.options`) land on the right control.
 */
import { t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { select } from "../core.js";
import { field } from "/shared/widgets.js";

const TYPES = ["text", "long_text", "number", "date", "choice", "phone", "id_number", "file", "employer"];

export const blankField = () => ({ name: "", label_zh: "", label_en: "", type: "text", required: true });

export function optionsText(options) {
  return (options || []).map((o) => `${o.value} | ${o.label_zh} | ${o.label_en}`).join("\n");
}

export function parseOptions(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [value = "", zh = "", en = ""] = line.split("|").map((p) => p.trim());
    return { value, label_zh: zh || value, label_en: en || zh || value };
  });
}

/** What the API takes for one field: empty constraints left out, numbers as numbers. */
export function cleanField(f) {
  const out = { name: f.name.trim(), label_zh: f.label_zh.trim(), label_en: f.label_en.trim(), type: f.type,
    required: Boolean(f.required) };
  if (f.sensitive) out.sensitive = true;
  for (const k of ["help_zh", "help_en", "pattern"]) if (f[k] && String(f[k]).trim()) out[k] = String(f[k]).trim();
  for (const k of ["min", "max", "min_length", "max_length"]) {
    if (f[k] !== undefined && f[k] !== null && f[k] !== "") out[k] = Number(f[k]);
  }
  if (f.type === "choice") out.options = f.options || [];
  return out;
}

/** The editor, bound to `fields` (an array it changes in place). */
export function fieldsEditor(fields) {
  const list = h("div", { class: "fields-list", "data-field": "fields", "data-testid": "fields-list" });

  function draw() {
    mount(list, fields.map((f, i) => fieldCard(f, i)));
  }

  function move(i, by) {
    const j = i + by;
    if (j < 0 || j >= fields.length) return;
    [fields[i], fields[j]] = [fields[j], fields[i]];
    draw();
  }

  function fieldCard(f, i) {
    const at = (prop) => `fields.${i}.${prop}`;
    const bind = (prop, attrs = {}) => h("input", { name: at(prop), value: f[prop] ?? "", "data-testid": `field-${i}-${prop}`,
      onInput: (e) => { f[prop] = e.target.value; }, ...attrs });
    const check = (prop) => h("label", { class: "check" }, h("input", { type: "checkbox", name: at(prop), checked: Boolean(f[prop]),
      "data-testid": `field-${i}-${prop}`, onChange: (e) => { f[prop] = e.target.checked; } }), t(`ff.${prop}`));
    const type = select({ name: at("type"), "data-testid": `field-${i}-type`,
      onChange: (e) => { f.type = e.target.value; draw(); } }, TYPES.map((x) => [x, t(`ftype.${x}`)]), f.type);
    const text = f.type === "text" || f.type === "long_text";
    const bounded = f.type === "number" || f.type === "file";
    const fileWord = (k) => (f.type === "file" ? `ff.${k}_files` : `ff.${k}`);
    return h("div", { class: "field-card", "data-testid": `field-card-${i}`, "data-name": f.name },
      h("div", { class: "field-card-head" }, h("strong", {}, `#${i + 1} ${f.name || ""}`),
        h("span", { class: "row-actions" },
          h("button", { type: "button", class: "btn btn-link", onClick: () => move(i, -1), disabled: i === 0 }, t("ff.up")),
          h("button", { type: "button", class: "btn btn-link", onClick: () => move(i, 1), disabled: i === fields.length - 1 }, t("ff.down")),
          h("button", { type: "button", class: "btn btn-link danger", "data-testid": `field-${i}-remove`,
            onClick: () => { fields.splice(i, 1); draw(); } }, t("ff.remove")))),
      h("div", { class: "grid-form" },
        field(t("ff.name"), bind("name", { placeholder: "snake_case" })), field(t("ff.type"), type),
        field(t("ff.label_zh"), bind("label_zh")), field(t("ff.label_en"), bind("label_en")),
        field(t("ff.help_zh"), bind("help_zh")), field(t("ff.help_en"), bind("help_en")),
        bounded ? field(t(fileWord("min")), bind("min", { type: "number", step: "any" })) : null,
        bounded ? field(t(fileWord("max")), bind("max", { type: "number", step: "any" })) : null,
        text ? field(t("ff.min_length"), bind("min_length", { type: "number" })) : null,
        text ? field(t("ff.max_length"), bind("max_length", { type: "number" })) : null,
        text ? field(t("ff.pattern"), bind("pattern")) : null),
      f.type === "choice" ? field(t("ff.options"), h("textarea", { name: at("options"), rows: 4, class: "mono",
        "data-testid": `field-${i}-options`, value: optionsText(f.options),
        onInput: (e) => { f.options = parseOptions(e.target.value); } })) : null,
      h("div", { class: "checks" }, check("required"), check("sensitive")));
  }

  const add = h("button", { type: "button", class: "btn btn-secondary", "data-testid": "field-add",
    onClick: () => { fields.push(blankField()); draw(); list.lastElementChild?.querySelector("input")?.focus(); } }, t("ff.add"));
  draw();
  return h("fieldset", { class: "fields-editor" }, h("legend", {}, t("ff.title")), list, add);
}
