/**
 * schema_form.js — a scenario's form drawn from its JSON Schema (GET /v1/scenarios/{key}), the one renderer
 * of the worker's request form and of the console's preview of it. One control per property, in order,
 * chosen by "x-type" (text, long_text, number, date, choice, phone, id_number, employer; unknown types fall
 * back to the JSON type); optional properties come as anyOf [type, null]. Labels, help and options come in
 * both languages (x-label-zh/en, x-help-zh/en, x-options). Validation is the API's: the API's error details
 * (`answers.<field>`) are shown under each control by ui.showError.
 *
 * Interface
 *   schemaFields(schema, { api, preview }) -> { nodes, values(), labels }   labels: {"answers.<name>": label}
 *   uploadFields(uploads, { preview }) -> { nodes, files() }                 files: [{ field, file }]
 *   answerWords(schema) -> { labels: {name: label}, text(name, value) }       how filed answers read back
 *   preview: true draws the same form inert (disabled, no employer look-up), with a note under each field
 *   for the person designing it (stored encrypted, ranges, lengths).
 */
import { pick, t } from "./i18n.js";
import "./texts.js";
import { h } from "./ui.js";
import { choices, loadVocabulary } from "./vocabulary.js";

/** The non-null branch of an optional property, merged with the property's own keys. */
export function unwrap(prop) {
  if (!prop.anyOf) return prop;
  const { anyOf, ...own } = prop;
  return { ...(anyOf.find((branch) => branch.type !== "null") || {}), ...own };
}

function labelOf(prop, name) {
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

/** What the designer should know about a field that the worker's form does not say. */
function designNote(prop, widget) {
  const bits = [];
  if (prop["x-sensitive"]) bits.push(t("form.note.sensitive"));
  if (prop.minimum !== undefined || prop.maximum !== undefined) {
    bits.push(t("form.note.range", { min: prop.minimum ?? "", max: prop.maximum ?? "" }));
  }
  if ((widget === "text" || widget === "long_text") && (prop.minLength || prop.maxLength)) {
    bits.push(t("form.note.length", { min: prop.minLength ?? 0, max: prop.maxLength ?? "" }));
  }
  if (widget === "employer") bits.push(t("form.note.employer"));
  return bits.join(" · ");
}

function textInput(name, prop, attrs) {
  return h("input", { name, "data-testid": `field-${name}`, maxlength: prop.maxLength, minlength: prop.minLength,
    pattern: prop.pattern, ...attrs });
}

function control(name, prop, widget, required, ctx) {
  const id = `q-${name}`;
  const disabled = ctx.preview;
  switch (widget) {
    case "long_text":
      return h("textarea", { id, name, rows: "5", maxlength: prop.maxLength, "data-testid": `field-${name}`, required, disabled });
    case "number":
      return textInput(name, prop, { id, type: "number", inputmode: "decimal", step: "any", min: prop.minimum, max: prop.maximum,
        required, disabled });
    case "date":
      return textInput(name, prop, { id, type: "date", required, disabled });
    case "phone":
      return textInput(name, prop, { id, type: "tel", inputmode: "numeric", autocomplete: "tel", required, disabled });
    case "id_number":
      return textInput(name, prop, { id, type: "text", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
        required, disabled });
    case "boolean":
      return h("input", { id, name, type: "checkbox", "data-testid": `field-${name}`, disabled });
    case "choice":
      return h("select", { id, name, "data-testid": `field-${name}`, required, disabled },
        h("option", { value: "" }, required ? t("form.choose") : "—"),
        optionsOf(prop).map((o) => h("option", { value: o.value }, o.label)));
    case "employer":
      return employerControl(id, name, required, ctx);
    default:
      return textInput(name, prop, { id, type: "text", required, disabled });
  }
}

/** A city picker (the worker's own city first) and the employers of the chosen city. */
function employerControl(id, name, required, { api, preview }) {
  const select = h("select", { id, name, "data-testid": `field-${name}`, required, disabled: preview },
    h("option", { value: "" }, t("form.choose")));
  const city = h("select", { "aria-label": t("form.employer_city"), "data-testid": `field-${name}-city`, disabled: preview });
  const wrap = h("div", { class: "employer-pick" }, city, select);
  wrap.focusTarget = select;
  const showCities = (mine) => city.replaceChildren(...choices("cities").map(([code, cityName]) =>
    h("option", { value: code, selected: mine === code }, cityName)));
  if (preview) {
    showCities(null);
    return wrap;
  }
  async function loadEmployers() {
    select.replaceChildren(h("option", { value: "" }, t("common.loading")));
    try {
      const rows = await api.get("/v1/employers", { query: { city: city.value } });
      select.replaceChildren(h("option", { value: "" }, t("form.choose")),
        ...rows.map((e) => h("option", { value: e.employer_id }, pick(e.name_zh, e.name_en))));
    } catch {
      select.replaceChildren(h("option", { value: "" }, t("error.network_error")));
    }
  }
  city.addEventListener("change", loadEmployers);
  (async () => {
    const [, me] = await Promise.all([loadVocabulary(api), api.get("/v1/me").catch(() => null)]);
    showCities(me && me.city);
    loadEmployers();
  })().catch(() => {});
  return wrap;
}

function requiredMark(isRequired) {
  return h("span", { class: isRequired ? "req" : "opt" }, isRequired ? " *" : ` (${t("form.optional")})`);
}

export function schemaFields(schema, { api = null, preview = false } = {}) {
  const required = new Set(schema.required || []);
  const fields = [];
  const nodes = [];
  const labels = {};
  for (const [name, raw] of Object.entries(schema.properties || {})) {
    const prop = unwrap(raw);
    const widget = widgetOf(prop);
    const isRequired = required.has(name);
    const el = control(name, prop, widget, isRequired, { api, preview });
    const input = el.focusTarget || el;
    const help = pick(prop["x-help-zh"], prop["x-help-en"]);
    const note = preview ? designNote(prop, widget) : "";
    if (help) input.setAttribute("aria-describedby", `help-${name}`);
    nodes.push(h("div", { class: `field field-${widget}`, "data-testid": `q-${name}`, "data-type": widget },
      h("label", { for: input.id }, labelOf(prop, name), requiredMark(isRequired)),
      el,
      help ? h("p", { class: "hint", id: `help-${name}` }, help) : null,
      note ? h("p", { class: "hint design-note" }, note) : null));
    fields.push({ name, widget, input });
    labels[`answers.${name}`] = labelOf(prop, name);
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

  return { nodes, values, labels };
}

export function answerWords(schema) {
  const props = Object.entries(schema.properties || {}).map(([name, raw]) => [name, unwrap(raw)]);
  const labels = Object.fromEntries(props.map(([name, prop]) => [name, labelOf(prop, name)]));
  const options = Object.fromEntries(props.map(([name, prop]) => [name, new Map(optionsOf(prop).map((o) => [o.value, o.label]))]));
  return { labels, text: (name, value) => options[name]?.get(value) ?? String(value) };
}

/** File pickers for a scenario's uploads (sent after the request exists, by presigned POST). */
export function uploadFields(uploads, { preview = false } = {}) {
  const pickers = uploads.map((u) => {
    // The browser's own file button speaks the browser's language: a label in ours stands in for it.
    const chosen = h("span", { class: "small", "data-testid": `upload-${u.name}-chosen`, "aria-live": "polite" });
    const input = h("input", { type: "file", name: `upload-${u.name}`, multiple: u.max_files > 1, accept: u.content_types.join(","),
      "data-testid": `upload-${u.name}`, id: `upload-${u.name}`, class: "visually-hidden", disabled: preview,
      onChange: (ev) => { chosen.textContent = [...ev.target.files].map((f) => f.name).join("、"); } });
    return { upload: u, input,
      node: h("div", { class: "field", "data-testid": `q-${u.name}`, "data-type": "file" },
        h("span", { class: "label" }, pick(u.label_zh, u.label_en), requiredMark(u.required)),
        h("div", { class: "row gap wrap" }, input,
          h("label", { for: input.id, class: "btn btn-ghost file-button" }, t("form.choose_files")), chosen),
        h("p", { class: "hint" }, t("form.files_help", { max: u.max_files }))) };
  });
  return {
    nodes: pickers.map((p) => p.node),
    files: () => pickers.flatMap((p) => [...p.input.files].slice(0, p.upload.max_files).map((file) => ({ field: p.upload.name, file }))),
  };
}
