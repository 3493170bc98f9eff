/**
 * Membership applications, oldest first, each with its due date (3 working days): approve (with an
 * optional note) or reject (a reason is required). Both are audited by the API.
 */
import { pick, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, load, pageHeader, table } from "../core.js";
import { badge } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { nameOf } from "/shared/vocabulary.js";

const STATUSES = ["pending", "approved", "rejected", "withdrawn"];
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });   // YYYY-MM-DD, China

export async function renderMembership(container, params, query) {
  const status = STATUSES.includes(query.status) ? query.status : "pending";
  const body = h("div", { class: "card" });
  mount(container, pageHeader(t("mb.title"), h("div", { class: "tabs", role: "tablist" }, STATUSES.map((s) =>
    h("a", { href: `#/membership?status=${s}`, role: "tab", class: s === status ? "active" : "", "aria-selected": String(s === status),
      "data-testid": `mb-tab-${s}` }, t(`mb.status.${s}`))))), body);
  const list = await load(body, () => api.get("/v1/admin/membership/applications", { query: { status } }),
    () => renderMembership(container, params, query));
  if (!list) return;
  const union = (a) => a.union_kind === "employer_union"
    ? `${t("mb.employer_union")} · ${pick(a.employer_name_zh, a.employer_name_en) || a.employer_id}`
    : t("mb.regional_pool", { city: nameOf("cities", a.city) });
  mount(body, h("p", { class: "muted", "data-testid": "mb-count" }, t("mb.count", { n: list.length })), table([
    { title: t("mb.name"), cell: (a) => a.name || a.member_id },
    { title: t("mb.union"), cell: union },
    { title: t("mb.submitted"), cell: (a) => chinaDateTime(a.submitted_at) },
    { title: t("mb.due"), cell: (a) => h("span", {}, a.due_date, " ",
      status === "pending" && a.due_date < today() ? badge(t("mb.overdue"), "danger") : null) },
    { title: t("mb.decided"), cell: (a) => (status === "pending" ? decide(a, () => renderMembership(container, params, query))
      : h("span", {}, a.member_number ? h("code", {}, a.member_number) : null, " ", a.reason || "", " ", chinaDateTime(a.decided_at))) },
  ], list, { testid: "mb-table", rowAttrs: (a) => ({ "data-testid": `mb-row-${a.application_id}`, "data-member": a.member_id,
    class: status === "pending" && a.due_date < today() ? "overdue" : "" }) }));
}

function decide(a, reload) {
  const note = h("input", { name: "note", placeholder: t("mb.note"), "data-testid": `mb-note-${a.application_id}` });
  const reason = h("input", { name: "reason", placeholder: t("mb.reason"), "data-testid": `mb-reason-${a.application_id}` });
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "decide", novalidate: true, onSubmit: (e) => e.preventDefault() }, errors,
    h("div", { class: "inline" }, note,
      h("button", { type: "button", class: "btn btn-primary", "data-testid": `mb-approve-${a.application_id}`,
        onClick: (e) => act(e.currentTarget, "approve", { note: note.value.trim() || null }) }, t("mb.approve"))),
    h("div", { class: "inline" }, reason,
      h("button", { type: "button", class: "btn btn-secondary", "data-testid": `mb-reject-${a.application_id}`,
        onClick: (e) => act(e.currentTarget, "reject", { reason: reason.value.trim() }) }, t("mb.reject"))));

  async function act(button, verb, body) {
    clearErrors(errors, form);
    await busy(button, async () => {
      try {
        const out = await api.post(`/v1/admin/membership/applications/${a.application_id}/${verb}`, body);
        toast(verb === "approve" ? t("mb.approved", { number: out.member_number }) : t("mb.rejected"), { kind: "ok" });
        await reload();
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
  return form;
}
