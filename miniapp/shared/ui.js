/**
 * ui.js — small DOM helpers shared by the worker mini-app and the admin console. No framework.
 *
 * Interface
 *   h(tag, attrs, ...children)    build an element. attrs: class, style (string or object), on<Event>
 *                                 functions (onClick, onSubmit, ...), dataset-style "data-*" and
 *                                 "aria-*" strings, boolean attributes (true = present, false/null =
 *                                 absent), value/checked as properties. Children: nodes, strings,
 *                                 numbers, arrays; null/false/undefined are skipped.
 *   mount(container, ...children) replace a container's children
 *   loading(container, label?)    show a spinner (aria-busy); returns a function that removes it
 *   busy(button, fn)              disable a button (aria-busy) while the async fn runs; returns its result
 *   showError(err, container, { form, fieldPrefix, onRetry, labels })
 *                                 render an ApiError (or any Error): its message and every detail
 *                                 ("field: message", the field named by labels[field] when given,
 *                                 e.g. {"answers.phone": "联系电话"}); with `form`, also marks the matching inputs
 *                                 (name = field, or field without fieldPrefix) aria-invalid with the
 *                                 message under them; onRetry adds a Retry button.
 *   clearErrors(container, form)  remove what showError added
 *   toast(message, { kind = "info" | "ok" | "error", ms = 2500 })
 *   errorText(err)                the text a person should read for an error (translated client codes)
 */
import { t } from "./i18n.js";
import "./texts.js";

const BOOLEAN_PROPS = new Set(["checked", "disabled", "selected", "multiple", "required", "hidden", "readOnly"]);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class" || name === "className") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "style" && typeof value === "object") {
      Object.assign(el.style, value);
    } else if (name === "value") {
      el.value = value;
    } else if (BOOLEAN_PROPS.has(name)) {
      el[name] = Boolean(value);
      if (value === true && name !== "checked" && name !== "selected") el.setAttribute(name.toLowerCase(), "");
    } else if (name === "html") {
      el.innerHTML = value; // only for trusted, static markup
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function mount(container, ...children) {
  container.replaceChildren();
  append(container, children);
  return container;
}

export function loading(container, label = t("common.loading")) {
  const spinner = h("div", { class: "wh-loading", role: "status", "data-testid": "loading" },
    h("span", { class: "wh-spinner", "aria-hidden": "true" }), h("span", {}, label));
  container.setAttribute("aria-busy", "true");
  container.append(spinner);
  return () => {
    spinner.remove();
    container.removeAttribute("aria-busy");
  };
}

export async function busy(button, fn) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.classList.add("is-busy");
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.classList.remove("is-busy");
  }
}

export function errorText(err) {
  if (!err) return t("error.unknown");
  if (err.status === 0 && err.code) return t(`error.${err.code}`);
  return err.message || t("error.unknown");
}

function stripPrefix(field, prefix) {
  if (!field) return field;
  return prefix && field.startsWith(prefix) ? field.slice(prefix.length) : field;
}

function fieldControl(form, name) {
  if (!form || !name) return null;
  const sel = CSS.escape(name);
  const own = (el) => !el.closest(".wh-error, .wh-field-error"); // not the error messages themselves
  return [...form.querySelectorAll(`[data-field="${sel}"]`)].find(own) || [...form.querySelectorAll(`[name="${sel}"]`)].find(own) || null;
}

export function clearErrors(container, form) {
  if (container) container.querySelectorAll(".wh-error").forEach((n) => n.remove());
  if (form) {
    form.querySelectorAll(".wh-field-error").forEach((n) => n.remove());
    form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  }
}

export function showError(err, container, { form = null, fieldPrefix = "", onRetry = null, labels = {} } = {}) {
  clearErrors(container, form);
  if (err && !err.status && !err.code) console.error(err); // a bug of ours, not an API answer
  const details = (err && err.details) || [];
  const box = h("div", { class: "wh-error", role: "alert", "data-testid": "error", "data-code": err?.code || "" },
    h("p", { class: "wh-error-message", "data-testid": "error-message" }, errorText(err)),
    details.length
      ? h("ul", { class: "wh-error-details" },
        details.map((d) => h("li", { "data-testid": "error-detail", "data-field": d.field || "" },
          d.field ? h("strong", {}, `${labels[d.field] || d.field}: `) : null, d.message)))
      : null,
    onRetry ? h("button", { type: "button", class: "btn btn-secondary", onClick: onRetry, "data-testid": "retry" },
      t("common.retry")) : null);
  if (container) container.prepend(box);

  for (const d of details) {
    const name = stripPrefix(d.field, fieldPrefix);
    const control = fieldControl(form, name) || fieldControl(form, (name || "").split(".")[0]);
    if (!control) continue;
    control.setAttribute("aria-invalid", "true");
    const id = `err-${Math.random().toString(36).slice(2, 9)}`;
    const msg = h("p", { class: "wh-field-error", id, "data-testid": "field-error", "data-field": name }, d.message);
    control.setAttribute("aria-describedby", id);
    (control.closest(".field") || control.parentElement).append(msg);
  }
  return box;
}

let toastHost = null;

export function toast(message, { kind = "info", ms = 2500 } = {}) {
  if (!toastHost || !toastHost.isConnected) {
    toastHost = h("div", { class: "wh-toasts", "aria-live": "polite" });
    document.body.append(toastHost);
  }
  const node = h("div", { class: `wh-toast wh-toast-${kind}`, role: kind === "error" ? "alert" : "status",
    "data-testid": "toast" }, message);
  toastHost.replaceChildren(node); // the latest news only: a pile of toasts would hide the page
  setTimeout(() => node.remove(), ms);
  return node;
}
