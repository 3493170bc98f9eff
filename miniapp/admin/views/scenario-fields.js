/**
 * The form-fields editor of a scenario: one card per question (name, type, labels, required,
 * sensitive, help, and the constraints its type allows), add / move / remove. Inputs are named
 * `fields.<i>.<prop>` so the API's error details (`fields.2.options`) land on the right control.
 */
import { register, t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { select } from "../core.js";
import { field } from "/shared/widgets.js";

register({
  "zh-CN": {
    "ff.title": "表单字段", "ff.add": "添加字段", "ff.name": "字段名", "ff.type": "类型", "ff.label_zh": "标题（中文）",
    "ff.label_en": "标题（英文）", "ff.required": "必填", "ff.sensitive": "敏感（加密）", "ff.help_zh": "说明（中文）",
    "ff.help_en": "说明（英文）", "ff.options": "选项（每行：值 | 中文 | English）", "ff.min": "最小值", "ff.max": "最大值",
    "ff.min_files": "最少文件数", "ff.max_files": "最多文件数", "ff.min_length": "最少字数", "ff.max_length": "最多字数",
    "ff.pattern": "格式（正则）", "ff.up": "上移", "ff.down": "下移", "ff.remove": "删除",
    "ftype.text": "单行文本", "ftype.long_text": "多行文本", "ftype.number": "数字", "ftype.date": "日期", "ftype.choice": "单选",
    "ftype.phone": "手机号", "ftype.id_number": "身份证号", "ftype.file": "文件", "ftype.employer": "用人单位",
  },
  en: {
    "ff.title": "Form fields", "ff.add": "Add field", "ff.name": "Name", "ff.type": "Type", "ff.label_zh": "Label (Chinese)",
    "ff.label_en": "Label (English)", "ff.required": "Required", "ff.sensitive": "Sensitive (encrypted)",
    "ff.help_zh": "Help (Chinese)", "ff.help_en": "Help (English)", "ff.options": "Options (one a line: value | 中文 | English)",
    "ff.min": "Minimum", "ff.max": "Maximum", "ff.min_files": "Min files", "ff.max_files": "Max files",
    "ff.min_length": "Min length", "ff.max_length": "Max length", "ff.pattern": "Pattern (regex)", "ff.up": "Up",
    "ff.down": "Down", "ff.remove": "Remove",
    "ftype.text": "Text", "ftype.long_text": "Long text", "ftype.number": "Number", "ftype.date": "Date", "ftype.choice": "Choice",
    "ftype.phone": "Phone", "ftype.id_number": "ID number", "ftype.file": "File", "ftype.employer": "Employer",
  },
});

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
