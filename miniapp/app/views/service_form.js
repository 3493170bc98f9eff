// One service's form, drawn from its JSON Schema; submit (retry-safe), then upload the files by
// presigned POST (S3; moto in the local stack), then show the request.
import { pick, t } from "../../shared/i18n.js";
import { busy, clearErrors, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { schemaFields, uploadFields } from "../../shared/schema_form.js";
import { retrySafeAction } from "../util.js";

export async function uploadAll(api, requestId, files, status) {
  const failed = [];
  for (const { field, file } of files) {
    status.textContent = t("form.uploading", { name: file.name });
    try {
      const grant = await api.post(`/v1/requests/${encodeURIComponent(requestId)}/attachments`,
        { field, filename: file.name, content_type: file.type || "application/octet-stream", size: file.size });
      await api.uploadPresigned(grant, file);
    } catch (err) {
      failed.push(file.name);
      toast(`${t("form.upload_failed", { name: file.name })} — ${err.message}`, { kind: "error", ms: 6000 });
    }
  }
  status.textContent = "";
  return failed;
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const stop = loading(root);
  let scenario;
  try {
    scenario = await api.get(`/v1/scenarios/${encodeURIComponent(params.key)}`);
  } catch (err) {
    stop();
    showError(err, root, { onRetry: () => render(root, params, ctx) });
    return;
  }
  stop();
  const submit = retrySafeAction();
  const { nodes, values, labels } = schemaFields(scenario.answers_schema, { api });
  const files = uploadFields(scenario.uploads || []);
  const errors = h("div", { class: "errors" });
  const status = h("p", { class: "muted small", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "btn btn-block", "data-testid": "form-submit" }, t("form.submit"));
  const form = h("form", { class: "card service-form", novalidate: true, "data-testid": "service-form", "data-key": scenario.key },
    errors, nodes, files.nodes.length ? h("fieldset", {}, h("legend", {}, t("form.files")), files.nodes) : null, status, button);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(button, async () => {
      clearErrors(errors, form);
      try {
        const created = await submit((key) => api.post("/v1/requests",
          { scenario_key: scenario.key, answers: values() }, { idempotencyKey: key }));
        toast(t("form.submitted"), { kind: "ok" });
        await uploadAll(api, created.request_id, files.files(), status);
        ctx.go(`/requests/${encodeURIComponent(created.request_id)}`);
      } catch (err) {
        showError(err, errors, { form, fieldPrefix: "answers.", labels });
        const first = form.querySelector("[aria-invalid=true]");
        (first || errors).scrollIntoView({ block: "center" });
        if (first) first.focus();
      }
    });
  });

  mount(root,
    h("a", { href: "#/services", class: "back" }, "‹ ", t("services.title")),
    h("h1", { "data-testid": "scenario-title" }, pick(scenario.title_zh, scenario.title_en)),
    h("p", { class: "muted" }, pick(scenario.description_zh, scenario.description_en)),
    form);
}
