/**
 * form-preview.js — a scenario's form as a worker will see it, drawn from the JSON Schema the API
 * serves (GET /v1/scenarios/{key}: answers_schema + uploads). The controls are inert: this is a
 * preview. Optional fields come as anyOf [type, null]; WorkerHome's own keys (x-label-zh/en,
 * x-type, x-options, x-help-zh/en, x-sensitive) say how to show each one.
 */
import { pick, register, t } from "/shared/i18n.js";
import { h } from "/shared/ui.js";

register({
  "zh-CN": {
    "pv.required": "必填", "pv.optional": "选填", "pv.sensitive": "加密保存", "pv.files": "上传 {min}–{max} 个文件（JPEG/PNG/PDF）",
    "pv.choose": "请选择", "pv.range": "{min} – {max}", "pv.length": "{min}–{max} 个字", "pv.employer": "从单位列表中选择",
    "pv.submit": "提交申请",
  },
  en: {
    "pv.required": "Required", "pv.optional": "Optional", "pv.sensitive": "Stored encrypted",
    "pv.files": "Upload {min}–{max} files (JPEG/PNG/PDF)", "pv.choose": "Choose…", "pv.range": "{min} – {max}",
    "pv.length": "{min}–{max} characters", "pv.employer": "Chosen from the employer list", "pv.submit": "Submit",
  },
});

/** The non-null branch of an optional property, merged with the property's own keys. */
export function flatten(prop) {
  if (!prop.anyOf) return prop;
  const branch = prop.anyOf.find((b) => b.type !== "null") || {};
  const { anyOf, ...rest } = prop;
  return { ...branch, ...rest };
}

function hintOf(p) {
  const bits = [];
  if (p.minimum !== undefined || p.maximum !== undefined) bits.push(t("pv.range", { min: p.minimum ?? "", max: p.maximum ?? "" }));
  if (p["x-type"] === "long_text" || p["x-type"] === "text") {
    if (p.minLength || p.maxLength) bits.push(t("pv.length", { min: p.minLength ?? 0, max: p.maxLength ?? "" }));
  }
  if (p["x-type"] === "employer") bits.push(t("pv.employer"));
  return bits.join(" · ");
}

function control(name, p) {
  const common = { name, disabled: true, "data-testid": `preview-input-${name}` };
  switch (p["x-type"]) {
    case "long_text":
      return h("textarea", { ...common, rows: 3 });
    case "number":
      return h("input", { ...common, type: "number", min: p.minimum, max: p.maximum });
    case "date":
      return h("input", { ...common, type: "date" });
    case "phone":
      return h("input", { ...common, type: "tel", placeholder: "138 0000 0000" });
    case "choice":
      return h("select", common, h("option", {}, t("pv.choose")),
        (p["x-options"] || (p.enum || []).map((v) => ({ value: v, label_zh: v, label_en: v })))
          .map((o) => h("option", { value: o.value }, pick(o.label_zh, o.label_en))));
    case "employer":
      return h("select", common, h("option", {}, t("pv.choose")));
    default:
      return h("input", { ...common, type: "text", maxlength: p.maxLength });
  }
}

/** The preview: one labelled control per answer, then the file uploads, then a (disabled) submit. */
export function renderPreview(form) {
  const schema = form.answers_schema || {};
  const required = new Set(schema.required || []);
  const fields = Object.entries(schema.properties || {}).map(([name, raw]) => {
    const p = flatten(raw);
    const help = pick(p["x-help-zh"], p["x-help-en"]);
    const hint = hintOf(p);
    return h("div", { class: "pv-field", "data-testid": `preview-field-${name}`, "data-type": p["x-type"] || "" },
      h("label", { class: "pv-label" }, pick(p["x-label-zh"], p["x-label-en"]) || p.title || name,
        h("span", { class: required.has(name) ? "pv-req" : "pv-opt" }, required.has(name) ? ` *` : ` (${t("pv.optional")})`),
        p["x-sensitive"] ? h("small", { class: "pv-lock" }, ` · ${t("pv.sensitive")}`) : null),
      control(name, p), help ? h("small", { class: "pv-help" }, help) : null, hint ? h("small", { class: "pv-hint" }, hint) : null);
  });
  const uploads = (form.uploads || []).map((u) => h("div", { class: "pv-field", "data-testid": `preview-field-${u.name}`, "data-type": "file" },
    h("label", { class: "pv-label" }, pick(u.label_zh, u.label_en), h("span", { class: u.required ? "pv-req" : "pv-opt" },
      u.required ? " *" : ` (${t("pv.optional")})`)),
    h("input", { type: "file", disabled: true }), h("small", { class: "pv-hint" }, t("pv.files", { min: u.min_files, max: u.max_files }))));
  return h("div", { class: "phone-frame", "data-testid": "scenario-preview" },
    h("div", { class: "pv-head" }, h("strong", {}, pick(form.title_zh, form.title_en)), h("span", { class: "muted" }, ` v${form.version}`)),
    h("p", { class: "pv-desc" }, pick(form.description_zh, form.description_en)),
    fields, uploads, h("button", { type: "button", class: "btn btn-primary", disabled: true }, t("pv.submit")));
}
