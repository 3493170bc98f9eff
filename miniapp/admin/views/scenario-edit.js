/**
 * One scenario: its definition (titles, category, audience, SLA hours per stage, sensitivity, form
 * fields). Saving publishes a new version (requests filed under older ones keep theirs). Beside
 * it, the form as a worker gets it: rendered from the JSON Schema of GET /v1/scenarios/{key}.
 */
import { pick, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, label, load, pageHeader, select } from "../core.js";
import { renderPreview } from "../form-preview.js";
import { go } from "/shared/router.js";
import { cleanField, fieldsEditor } from "./scenario-fields.js";
import { badge, field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { choices, codes, nameOf } from "/shared/vocabulary.js";

const STAGES = ["submitted", "accepted", "in_progress"];
const BLANK = { key: "", category: "other", title_zh: "", title_en: "", description_zh: "", description_en: "",
  audience: "all_workers", sensitive: false, sla_hours: { submitted: 24, accepted: 48, in_progress: 240 }, fields: [] };

export async function renderScenarioEdit(container, params) {
  if (!params.key) return draw(container, null);
  const scenario = await load(container, () => api.get(`/v1/admin/scenarios/${params.key}`), () => renderScenarioEdit(container, params));
  if (scenario) draw(container, scenario);
  return null;
}

function draw(container, scenario) {
  const s = structuredClone(scenario || BLANK);
  const previewBox = h("div", { class: "card preview-card", "data-testid": "preview-box" });
  const title = scenario ? pick(scenario.title_zh, scenario.title_en) : t("se.new");
  mount(container, pageHeader(title,
    scenario ? h("span", { class: "muted", "data-testid": "scenario-version" },
      t("se.version", { version: scenario.version, at: chinaDateTime(scenario.created_at) })) : null,
    scenario?.retired ? badge(t("se.retired"), "muted") : null),
  h("div", { class: "cols cols-wide" }, definitionForm(s, Boolean(scenario), container), previewBox));
  if (scenario) showPreview(previewBox, scenario.key);
  else mount(previewBox, h("h2", {}, t("se.preview")), h("p", { class: "muted" }, t("common.empty")));
}

async function showPreview(box, key) {
  mount(box, h("h2", {}, t("se.preview")), h("p", { class: "hint" }, t("se.preview_hint")));
  try {
    box.append(renderPreview(await api.get(`/v1/scenarios/${key}`)));
  } catch (err) {
    showError(err, box);
  }
}

function definitionForm(s, existing, container) {
  const text = (name, attrs = {}) => field(t(`se.${name}`), h("input", { name, value: s[name], "data-testid": `scenario-${name}`,
    onInput: (e) => { s[name] = e.target.value; }, ...attrs }));
  const area = (name) => field(t(`se.${name}`), h("textarea", { name, rows: 2, value: s[name], "data-testid": `scenario-${name}`,
    onInput: (e) => { s[name] = e.target.value; } }));
  const audienceKind = Array.isArray(s.audience) ? "groups" : s.audience;
  const groups = h("div", { class: "checks", "data-field": "audience", hidden: audienceKind !== "groups" },
    codes("worker_groups").map((g) => h("label", { class: "check" }, h("input", { type: "checkbox", value: g,
      checked: Array.isArray(s.audience) && s.audience.includes(g) }), nameOf("worker_groups", g))));
  const audience = select({ "data-testid": "scenario-audience", onChange: (e) => { groups.hidden = e.target.value !== "groups"; } },
    ["all_workers", "members", "groups"].map((a) => [a, label("audience", a)]), audienceKind);
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "card", "data-testid": "scenario-form", novalidate: true, onSubmit: submit },
    h("h2", {}, t("se.definition")), errors,
    existing ? null : text("key", { placeholder: "new_service" }),
    h("div", { class: "grid-form" },
      field(t("se.category"), select({ name: "category", "data-testid": "scenario-category", onChange: (e) => { s.category = e.target.value; } },
        choices("categories"), s.category)),
      field(t("se.audience"), h("div", {}, audience, groups)),
      text("title_zh"), text("title_en")),
    area("description_zh"), area("description_en"),
    h("fieldset", { class: "grid-form" }, h("legend", {}, t("se.sla")), STAGES.map((st) => field(t(`se.sla.${st}`),
      h("input", { type: "number", step: "any", name: `sla_hours.${st}`, value: s.sla_hours[st], "data-testid": `scenario-sla-${st}`,
        onInput: (e) => { s.sla_hours[st] = e.target.value === "" ? null : Number(e.target.value); } })))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "sensitive", checked: s.sensitive,
      onChange: (e) => { s.sensitive = e.target.checked; } }), t("se.sensitive")),
    fieldsEditor(s.fields),
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary", "data-testid": "scenario-save" }, existing ? t("se.publish") : t("se.create")),
      existing && !s.retired ? h("button", { type: "button", class: "btn btn-danger", "data-testid": "scenario-retire", onClick: retire },
        t("se.retire")) : null));

  function spec() {
    const body = { category: s.category, title_zh: s.title_zh, title_en: s.title_en, description_zh: s.description_zh,
      description_en: s.description_en, sensitive: s.sensitive, sla_hours: s.sla_hours, fields: s.fields.map(cleanField),
      audience: audience.value === "groups" ? [...groups.querySelectorAll("input:checked")].map((el) => el.value) : audience.value };
    return existing ? body : { key: s.key.trim(), ...body };
  }

  async function submit(event) {
    event.preventDefault();
    clearErrors(errors, form);
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        const out = existing ? await api.put(`/v1/admin/scenarios/${s.key}`, spec()) : await api.post("/v1/admin/scenarios", spec());
        toast(t("se.published", { version: out.version }), { kind: "ok" });
        if (!existing) return go(`/scenarios/${out.key}`);
        return renderScenarioEdit(container, { key: s.key });
      } catch (err) {
        showError(err, errors, { form });
        return null;
      }
    });
  }

  async function retire(event) {
    await busy(event.currentTarget, async () => {
      try {
        await api.post(`/v1/admin/scenarios/${s.key}/retire`);
        toast(t("se.retired"), { kind: "ok" });
        await renderScenarioEdit(container, { key: s.key });
      } catch (err) {
        showError(err, errors);
      }
    });
  }
  return form;
}
