// A service form drawn from a scenario's JSON Schema (GET /v1/scenarios/{key}): one control per property,
// in order, chosen by the schema's "x-type" (text, long_text, number, date, choice, phone, id_number,
// employer; unknown types fall back to the JSON type). Labels, help and options come in both languages
// (x-label-zh/en, x-help-zh/en, x-options). Validation is the API's: the form is `novalidate`, and the
// API's error details (`answers.<field>`) are shown under each control by ui.showError.
import { pick, t } from "../shared/i18n.js";
import { h } from "../shared/ui.js";

function unwrap(prop) {
  if (prop.anyOf) {
    const real = prop.anyOf.find((p) => p.type !== "null") || {};
    return { ...real, ...prop, anyOf: undefined };
  }
  return prop;
}

function label(prop, name) {
  return pick(prop["x-label-zh"], prop["x-label-en"]) || prop.title || name;
}

function widgetOf(prop) {
  if (prop["x-type"]) return prop["x-type"];
  if (prop.enum) return "choice";
  if (prop.type === "number" || prop.type === "integer") return "number";
  if (prop.type === "boolean") return "boolean";
  if (prop.format === "date") return "date";
  return "text";
}

function optionsOf(prop) {
  if (prop["x-options"]) return prop["x-options"].map((o) => ({ value: o.value, label: pick(o.label_zh, o.label_en) }));
  return (prop.enum || []).map((v) => ({ value: v, label: String(v) }));
}

function textInput(name, prop, attrs) {
  return h("input", { name, "data-testid": `field-${name}`, maxlength: prop.maxLength, minlength: prop.minLength,
    pattern: prop.pattern, ...attrs });
}

function control(name, prop, widget, required, ctx) {
  const id = `q-${name}`;
  switch (widget) {
    case "long_text":
      return h("textarea", { id, name, rows: "5", maxlength: prop.maxLength, "data-testid": `field-${name}`, required });
    case "number":
      return textInput(name, prop, { id, type: "number", inputmode: "decimal", step: "any", min: prop.minimum, max: prop.maximum, required });
    case "date":
      return textInput(name, prop, { id, type: "date", required });
    case "phone":
      return textInput(name, prop, { id, type: "tel", inputmode: "numeric", autocomplete: "tel", required });
    case "id_number":
      return textInput(name, prop, { id, type: "text", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", required });
    case "boolean":
      return h("input", { id, name, type: "checkbox", "data-testid": `field-${name}` });
    case "choice": {
      const options = optionsOf(prop);
      return h("select", { id, name, "data-testid": `field-${name}`, required },
        h("option", { value: "" }, required ? t("form.choose") : "—"),
        options.map((o) => h("option", { value: o.value }, o.label)));
    }
    case "employer":
      return employerControl(id, name, required, ctx);
    default:
      return textInput(name, prop, { id, type: "text", required });
  }
}

function employerControl(id, name, required, ctx) {
  const select = h("select", { id, name, "data-testid": `field-${name}`, required }, h("option", { value: "" }, t("form.choose")));
  const city = h("select", { "aria-label": t("form.employerCity"), "data-testid": `field-${name}-city` });
  async function loadEmployers() {
    select.replaceChildren(h("option", { value: "" }, t("common.loading")));
    try {
      const rows = await ctx.api.get("/v1/employers", { query: { city: city.value } });
      select.replaceChildren(h("option", { value: "" }, t("form.choose")),
        ...rows.map((e) => h("option", { value: e.employer_id }, pick(e.name_zh, e.name_en))));
    } catch {
      select.replaceChildren(h("option", { value: "" }, t("error.network_error")));
    }
  }
  city.addEventListener("change", loadEmployers);
  (async () => {
    const [cities, me] = await Promise.all([ctx.api.get("/v1/cities", { auth: false }), ctx.api.get("/v1/me").catch(() => null)]);
    city.replaceChildren(...cities.map((c) => h("option", { value: c.code, selected: me && me.city === c.code }, pick(c.name_zh, c.name_en))));
    loadEmployers();
  })().catch(() => {});
  const wrap = h("div", { class: "employer-pick" }, city, select);
  wrap.focusTarget = select;
  return wrap;
}

/** The form's controls, and how to read the answers back out of them. */
export function schemaFields(schema, ctx) {
  const required = new Set(schema.required || []);
  const fields = [];
  const nodes = [];
  for (const [name, raw] of Object.entries(schema.properties || {})) {
    const prop = unwrap(raw);
    const widget = widgetOf(prop);
    const isRequired = required.has(name);
    const el = control(name, prop, widget, isRequired, ctx);
    const input = el.focusTarget || el;
    const help = pick(prop["x-help-zh"], prop["x-help-en"]);
    const helpId = help ? `help-${name}` : null;
    if (helpId) input.setAttribute("aria-describedby", helpId);
    nodes.push(h("div", { class: `field field-${widget}`, "data-testid": `q-${name}` },
      h("label", { for: input.id || `q-${name}` }, label(prop, name),
        h("span", { class: isRequired ? "req" : "opt" }, isRequired ? " *" : ` (${t("form.optional")})`)),
      el,
      help ? h("p", { class: "hint", id: helpId }, help) : null));
    if (!input.id) input.id = `q-${name}`;
    fields.push({ name, widget, input });
  }

  function values() {
    const answers = {};
    for (const { name, widget, input } of fields) {
      if (widget === "boolean") {
        answers[name] = input.checked;
        continue;
      }
      const v = (input.value || "").trim();
      if (v === "") continue;
      if (widget === "number") answers[name] = Number.isFinite(Number(v)) ? Number(v) : v;
      else answers[name] = widget === "id_number" ? v.toUpperCase() : v;
    }
    return answers;
  }

  const labels = Object.fromEntries(Object.entries(schema.properties || {}).map(([n, p]) => [`answers.${n}`, label(unwrap(p), n)]));
  return { nodes, values, labels };
}

/** File pickers for a scenario's uploads (sent after the request exists, by presigned POST). */
export function uploadFields(uploads) {
  const pickers = uploads.map((u) => {
    // The browser's own file button speaks the browser's language: a label in ours stands in for it.
    const chosen = h("span", { class: "small", "data-testid": `upload-${u.name}-chosen`, "aria-live": "polite" });
    const input = h("input", { type: "file", name: `upload-${u.name}`, multiple: u.max_files > 1, accept: u.content_types.join(","),
      "data-testid": `upload-${u.name}`, id: `upload-${u.name}`, class: "visually-hidden",
      onChange: (ev) => { chosen.textContent = [...ev.target.files].map((f) => f.name).join("、"); } });
    return { upload: u, input,
      node: h("div", { class: "field" },
        h("span", { class: "label" }, pick(u.label_zh, u.label_en), h("span", { class: u.required ? "req" : "opt" }, u.required ? " *" : ` (${t("form.optional")})`)),
        h("div", { class: "row gap wrap" }, input, h("label", { for: input.id, class: "btn btn-ghost file-button" }, t("form.chooseFiles")), chosen),
        h("p", { class: "hint" }, t("form.filesHelp", { max: u.max_files }))) };
  });
  return {
    nodes: pickers.map((p) => p.node),
    files: () => pickers.flatMap((p) => [...p.input.files].slice(0, p.upload.max_files).map((file) => ({ field: p.upload.name, file }))),
  };
}
