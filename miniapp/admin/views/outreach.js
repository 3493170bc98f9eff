/**
 * Reasons and outreach for one scored member: the model's top reasons with their suggested
 * actions, and buttons that record what staff did (call, SMS, visit, offer a service, other).
 */
import { t } from "/shared/i18n.js";
import { busy, clearErrors, h, showError, toast } from "/shared/ui.js";
import { api } from "../core.js";

export const ACTIONS = ["call", "sms", "visit", "offer_service", "other"];

export function reasonsList(reasons, testid = "reasons") {
  return h("ol", { class: "reasons", "data-testid": testid }, (reasons || []).map((r) => h("li", { "data-testid": "reason" },
    h("span", {}, r.text), r.action ? h("div", { class: "reason-action" }, h("small", {}, `${t("or.action")}: `), r.action) : null)));
}

/** Outreach buttons for a member; `onRecorded(action)` after the API accepted one. */
export function outreachForm(memberId, { onRecorded = () => {} } = {}) {
  const note = h("input", { name: "note", placeholder: t("or.note"), "data-testid": `outreach-note-${memberId}` });
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "outreach", novalidate: true, "data-testid": `outreach-${memberId}`, onSubmit: (e) => e.preventDefault() },
    h("strong", {}, t("or.title")), errors, note,
    h("div", { class: "inline wrap" }, ACTIONS.map((action) => h("button", { type: "button", class: "btn btn-secondary btn-small",
      "data-testid": `outreach-${action}-${memberId}`, onClick: (e) => record(e.currentTarget, action) }, t(`or.${action}`)))));

  async function record(button, action) {
    clearErrors(errors, form);
    await busy(button, async () => {
      try {
        await api.post(`/v1/admin/members/${memberId}/outreach`, { action, note: note.value.trim() || null });
        toast(t("or.recorded", { action: t(`or.${action}`) }), { kind: "ok" });
        form.classList.add("recorded");
        form.dataset.recorded = action;
        note.value = "";
        onRecorded(action);
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
  return form;
}
