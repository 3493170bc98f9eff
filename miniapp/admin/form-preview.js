/**
 * form-preview.js — a scenario's form as a worker will see it, in a phone frame: the worker's own form
 * renderer (/shared/schema_form.js) run on the JSON Schema the API serves (GET /v1/scenarios/{key}),
 * inert, with a design note under each field.
 */
import { pick, t } from "/shared/i18n.js";
import { schemaFields, uploadFields } from "/shared/schema_form.js";
import { h } from "/shared/ui.js";

export function renderPreview(form) {
  const answers = schemaFields(form.answers_schema || {}, { preview: true });
  const files = uploadFields(form.uploads || [], { preview: true });
  return h("div", { class: "phone-frame", "data-testid": "scenario-preview" },
    h("div", { class: "pv-head" }, h("strong", {}, pick(form.title_zh, form.title_en)), h("span", { class: "muted" }, ` v${form.version}`)),
    h("p", { class: "pv-desc" }, pick(form.description_zh, form.description_en)),
    answers.nodes,
    files.nodes.length ? h("fieldset", {}, h("legend", {}, t("form.files")), files.nodes) : null,
    h("button", { type: "button", class: "btn btn-primary", disabled: true }, t("form.submit")));
}
