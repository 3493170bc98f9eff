/**
 * core.js — what every admin view shares: the API client (its own session, apart from the worker
 * mini-app's), role checks, and a few building blocks (page header, table, select, tier badge, file
 * download). DOM, fields, badges, dates, vocabulary, texts and errors come from the modules in /shared/.
 */
import { createApi } from "/shared/api.js";
import { getLang, pick, t } from "/shared/i18n.js";
import { h, showError } from "/shared/ui.js";
import "./texts.js";

export const api = createApi({ base: "", storageKey: "wh.admin.session" });
api.setLang(getLang());

export const isAdmin = () => api.hasRole("admin");
export const isStaff = () => api.hasRole("staff") || isAdmin();
export const isAuditor = () => api.hasRole("auditor");
/** Who may open the console at all: staff, admins, and auditors (who only read the audit log). */
export const mayEnter = () => isStaff() || isAuditor();
/** The first page after logging in: what the role works on. */
export const home = () => (isAdmin() ? "/stations" : isStaff() ? "/queue" : "/audit");

/** A label for a code in a namespace of the texts ("tier", "audience", ...), or the code itself when unknown. */
export function label(ns, code) {
  if (code === null || code === undefined || code === "") return t("common.none");
  const key = `${ns}.${code}`;
  const text = t(key);
  return text === key ? String(code) : text;
}

export function pageHeader(title, ...actions) {
  return h("header", { class: "page-header" }, h("h1", { "data-testid": "page-title" }, title),
    h("div", { class: "page-actions" }, actions));
}

/** <select> with [value, text] options; the value is set after the options exist. */
export function select(attrs, options, value = "") {
  const el = h("select", attrs, options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value ?? "";
  return el;
}

/**
 * A table from rows: columns = [{ title, cell(row) -> node|string, class? }].
 * rowAttrs(row) adds attributes to each <tr> (data-testid, class, onClick).
 */
export function table(columns, rows, { testid, rowAttrs = () => ({}), empty = t("common.empty") } = {}) {
  return h("table", { class: "grid", "data-testid": testid },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.title)))),
    h("tbody", {}, rows.length
      ? rows.map((row) => h("tr", rowAttrs(row), columns.map((c) => h("td", { class: c.class }, c.cell(row)))))
      : h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty))));
}

export function tierBadge(tier) {
  return h("span", { class: `badge tier tier-${tier}`, "data-tier": tier }, label("tier", tier));
}

export function pct(p, digits = 1) {
  return p === null || p === undefined ? t("common.none") : `${(p * 100).toFixed(digits)}%`;
}

export function pickName(obj, base = "name") {
  return pick(obj[`${base}_zh`], obj[`${base}_en`]);
}

export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Load into `box`: show the error (with Retry) if the loader fails. Resolves to the data or null. */
export async function load(box, loader, retry) {
  try {
    return await loader();
  } catch (err) {
    box.replaceChildren();
    showError(err, box, { onRetry: retry });
    return null;
  }
}

/** The form's named controls as { name: value } (checkboxes as booleans, numbers as numbers). */
export function formValues(form) {
  const out = {};
  for (const el of form.querySelectorAll("[name]")) {
    if (el.type === "checkbox") out[el.name] = el.checked;
    else if (el.type === "number") out[el.name] = el.value === "" ? null : Number(el.value);
    else out[el.name] = el.value;
  }
  return out;
}
