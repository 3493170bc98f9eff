/**
 * audit.js — the audit log for auditors and admins (GET /v1/admin/audit): newest first, filtered by
 * action, by who acted and on what (click a name to filter by it) and by dates, a page at a time.
 * People are shown by their masked names and stations by name; the reason typed for an action is shown
 * to judge it. Auditors can only read here: the console offers them nothing that changes data.
 */
import { t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { go } from "/shared/router.js";
import { field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { api, load, pageHeader, select, table } from "../core.js";

export const ACTIONS = [
  "set_roles", "reveal:phone", "reveal:name", "reveal:id_number", "export", "erase",
  "membership_approve", "membership_reject", "membership_leave", "outreach", "outreach_outcome",
  "create", "update", "set_hours", "set_exception", "clear_exception", "activate", "deactivate", "import",
  "publish", "retire", "set_thresholds", "scoring_run.start", "scoring_run.retry",
  "request_move", "request_comment", "request_reassign", "request_route", "escalate", "checkin",
  "profiling_on", "profiling_off", "keys.reencrypt",
];
const PAGE = 25;

/** An action's words ("reveal:phone" is looked up as au.act.reveal.phone), or the code when new. */
function actionLabel(action) {
  const key = `au.act.${action.replace(":", ".")}`;
  const text = t(key);
  return text === key ? action : text;
}

/** A day picked in China time as the instant it starts (from) or ends (to). */
function dayBound(day, end) {
  return day ? `${day}T${end ? "23:59:59.999" : "00:00:00"}+08:00` : "";
}

export async function renderAudit(container, params, query) {
  const filters = {
    action: query.action || "", actor: query.actor || "", target: query.target || "",
    from: query.from || "", to: query.to || "",
    actor_label: query.actor_label || "", target_label: query.target_label || "",
  };
  const refilter = (change) => go("/audit", { ...filters, ...change });
  const listBox = h("div", { class: "card", "data-testid": "audit-list" });
  const chips = [["actor", filters.actor_label], ["target", filters.target_label]]
    .filter(([key]) => filters[key])
    .map(([key, text]) => h("button", { type: "button", class: "btn btn-ghost", "data-testid": `audit-clear-${key}`,
      title: t("au.clear"), onClick: () => refilter({ [key]: "", [`${key}_label`]: "" }) },
    `${t(`au.${key}`)}: ${text || t("au.chosen")} ✕`));
  const controls = h("div", { class: "inline-form" },
    field(t("au.action"), select({ "data-testid": "audit-action", onChange: (e) => refilter({ action: e.target.value }) },
      [["", t("core.all")], ...ACTIONS.map((a) => [a, actionLabel(a)])], filters.action)),
    field(t("au.from"), h("input", { type: "date", "data-testid": "audit-from", value: filters.from,
      onChange: (e) => refilter({ from: e.target.value }) })),
    field(t("au.to"), h("input", { type: "date", "data-testid": "audit-to", value: filters.to,
      onChange: (e) => refilter({ to: e.target.value }) })),
    chips);
  mount(container, pageHeader(t("au.title")), h("p", { class: "hint" }, t("au.hint")), controls, listBox);
  await showPage(listBox, filters, refilter);
}

async function showPage(box, filters, refilter, cursor = null, rows = []) {
  const q = { action: filters.action, actor: filters.actor, target: filters.target,
    from: dayBound(filters.from, false), to: dayBound(filters.to, true), limit: PAGE, cursor };
  const page = await load(box, () => api.get("/v1/admin/audit", { query: q }),
    () => showPage(box, filters, refilter, cursor, rows));
  if (!page) return;
  const all = [...rows, ...page.items];
  const party = (p, key) => (p.kind === "system" ? p.label : h("a", { href: "#", "data-testid": `audit-${key}-link`,
    onClick: (e) => { e.preventDefault(); refilter({ [key]: key === "target" ? `${p.kind}#${p.id}` : p.id, [`${key}_label`]: p.label }); } },
  p.label));
  mount(box, table([
    { title: t("au.at"), cell: (e) => chinaDateTime(e.at) },
    { title: t("au.actor"), cell: (e) => party(e.actor, "actor") },
    { title: t("au.action"), cell: (e) => actionLabel(e.action) },
    { title: t("au.target"), cell: (e) => party(e.target, "target") },
    { title: t("au.reason"), cell: (e) => e.reason || t("common.none") },
    { title: t("au.request"), cell: (e) => h("code", { title: t("au.request_hint") }, e.request_id || t("common.none")) },
  ], all, { testid: "audit-table", empty: t("au.empty"), rowAttrs: () => ({ "data-testid": "audit-row" }) }),
  page.next_cursor ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "audit-more",
    onClick: () => showPage(box, filters, refilter, page.next_cursor, all) }, t("core.more")) : null);
}
