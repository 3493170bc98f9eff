/**
 * Members: look one up by phone (the API matches the phone's blind index; nothing is listed), then
 * their profile (masked), churn risk with reasons and staff actions, likely service needs, outreach
 * buttons and the audit trail.
 */
import { t } from "/shared/i18n.js";
import { clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, load, pageHeader, pct, select, table, tierBadge } from "../core.js";
import { go } from "/shared/router.js";
import { outreachForm, reasonsList } from "./outreach.js";
import { field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { nameOf } from "/shared/vocabulary.js";

export async function renderMembers(container, params, query) {
  const phone = h("input", { name: "phone", type: "tel", "data-testid": "member-phone" });
  const errors = h("div", { class: "errors" });
  const results = h("div", {});
  // The phone goes in a POST body, never in a URL (the page's own address included): access logs and
  // browser history would keep it.
  const find = async () => {
    clearErrors(errors, form);
    try {
      const found = await api.post("/v1/admin/members/search", { phone: phone.value.trim() });
      if (found.length === 1) return go(`/members/${found[0].member_id}`);
      mount(results, found.length ? profilesTable(found) : h("p", { class: "empty", "data-testid": "member-none" }, t("m.none")));
    } catch (err) {
      showError(err, errors, { form });
    }
  };
  const form = h("form", { class: "card inline-form", novalidate: true, onSubmit: (e) => { e.preventDefault(); find(); } },
    field(t("m.phone"), phone), h("button", { type: "submit", class: "btn btn-primary", "data-testid": "member-find" }, t("m.find")));
  mount(container, pageHeader(t("m.title")), form, errors, results);
}

function profilesTable(list) {
  return h("div", { class: "card" }, table([
    { title: t("m.name"), cell: (m) => h("a", { href: `#/members/${m.member_id}` }, m.name || m.member_id) },
    { title: t("m.phone"), cell: (m) => m.phone },
    { title: t("m.group"), cell: (m) => nameOf("worker_groups", m.worker_group) },
    { title: t("m.city"), cell: (m) => nameOf("cities", m.city) },
  ], list, { testid: "members-table" }));
}

export async function renderMember(container, params) {
  const id = params.id;
  const profileBox = h("div", { class: "card", "data-testid": "member-profile" });
  const scoreBox = h("div", { class: "card", "data-testid": "member-scores" });
  const auditBox = h("div", { class: "card", "data-testid": "member-audit" });
  mount(container, pageHeader(t("m.title")), h("div", { class: "cols" }, h("div", {}, profileBox, auditBox), scoreBox));
  const m = await load(profileBox, () => api.get(`/v1/admin/members/${id}`), () => renderMember(container, params));
  if (m) {
    mount(profileBox, h("h2", {}, m.name || m.member_id), h("dl", { class: "facts" },
      [[t("m.phone"), m.phone], [t("m.group"), nameOf("worker_groups", m.worker_group)], [t("m.city"), nameOf("cities", m.city)],
        [t("m.employer"), m.employer ? (m.employer.name_zh || m.employer.employer_id) : t("common.none")],
        [t("m.roles"), m.roles.join(", ")], [t("m.status"), m.status], [t("m.since"), chinaDateTime(m.created_at)]]
        .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? t("common.none"))])));
  }
  showScores(scoreBox, id);
  showAudit(auditBox, id);
}

async function showScores(box, id) {
  mount(box, h("h2", {}, t("m.churn")), h("p", { class: "muted" }, t("common.loading")));
  const s = await load(box, () => api.get(`/v1/admin/members/${id}/scores`), () => showScores(box, id));
  if (!s) return;
  if (!s.profiling_allowed) return mount(box, h("h2", {}, t("m.churn")), h("p", { class: "muted", "data-testid": "opted-out" }, t("m.opted_out")));
  const c = s.churn;
  const history = h("div", { "data-testid": "outreach-history" });
  showOutreach(history, id);
  mount(box, h("h2", {}, t("m.churn")),
    h("p", { class: "score-line" }, tierBadge(c.tier), " ", h("strong", { "data-testid": "churn-probability" }, pct(c.probability)),
      h("small", { class: "muted" }, ` · ${t("m.model")} ${c.model_version} · ${chinaDateTime(s.as_of)}`)),
    reasonsList(c.reasons, "member-reasons"),
    outreachForm(id, { onRecorded: () => {
      showOutreach(history, id);
      showAudit(document.querySelector("[data-testid=member-audit]"), id);
    } }),
    history,
    h("h2", {}, t("m.demand")),
    table([
      { title: t("m.demand"), cell: (d) => d.name },
      { title: t("m.prob"), cell: (d) => h("span", { class: "bar-cell" }, h("span", { class: "bar", style: { width: `${Math.round(d.probability * 100)}%` } }),
        pct(d.probability)), class: "num" },
      { title: t("or.reasons"), cell: (d) => d.reasons.map((r) => r.text).join("；") },
    ], s.service_demand, { testid: "member-demand" }));
}

const OUTCOMES = ["reached", "no_answer", "retained", "left", "declined"];

async function showOutreach(box, id) {
  const list = await load(box, () => api.get(`/v1/admin/members/${id}/outreach`), () => showOutreach(box, id));
  if (!list) return;
  const items = Array.isArray(list) ? list : list.items || [];
  mount(box, h("h3", {}, t("m.outreach")), table([
    { title: t("m.at"), cell: (o) => chinaDateTime(o.at) },
    { title: t("m.action"), cell: (o) => t(`or.${o.action}`) },
    { title: t("m.note"), cell: (o) => o.note || "" },
    { title: t("m.outcome"), cell: (o) => select({ "data-testid": `outcome-${o.outreach_id}`, onChange: async (e) => {
      try {
        await api.post(`/v1/admin/members/${id}/outreach/${o.outreach_id}/outcome`, { outcome: e.target.value });
        toast(t("m.outcome_saved"), { kind: "ok" });
      } catch (err) {
        showError(err, box);
      }
    } }, [["", t("common.none")], ...OUTCOMES.map((x) => [x, t(`outcome.${x}`)])], o.outcome || "") },
  ], items, { testid: "outreach-table", empty: t("m.no_outreach") }));
}

async function showAudit(box, id) {
  if (!box) return;
  const trail = await load(box, () => api.get(`/v1/admin/members/${id}/audit`), () => showAudit(box, id));
  if (!trail) return;
  mount(box, h("h2", {}, t("m.audit")), table([
    { title: t("m.at"), cell: (e) => chinaDateTime(e.at) },
    { title: t("m.actor"), cell: (e) => h("code", {}, e.actor) },
    { title: t("m.action"), cell: (e) => e.action },
    { title: t("m.reason"), cell: (e) => e.reason || "" },
  ], [...trail].reverse(), { testid: "audit-table" }));
}
