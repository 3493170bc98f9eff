/**
 * The risk dashboard of the latest run of a model: tier distribution, movement since the run
 * before, top reasons, tiers by worker group and by city, feature drift; then the high-risk list
 * (filterable by city and group) where each member's reasons open with outreach buttons.
 */
import { t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { chart, destroyAll, PALETTE, TIER_COLOURS } from "../charts.js";
import { api, label, load, pageHeader, pct, select, table, tierBadge } from "../core.js";
import { go, href } from "/shared/router.js";
import { outreachForm, reasonsList } from "./outreach.js";
import { RUN_MODELS } from "./scoring.js";
import { badge, field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { choices, nameOf } from "/shared/vocabulary.js";

const TIERS = ["low", "medium", "high"];

export async function renderRisk(container, params, query) {
  const model = RUN_MODELS.includes(query.model) ? query.model : "churn";
  const charts = [];
  const summaryBox = h("div", {});
  const listBox = h("div", { class: "card", "data-testid": "risk-list" });
  mount(container, pageHeader(t("rk.title"), field(t("rk.model"), select({ "data-testid": "risk-model",
    onChange: (e) => go("/risk", { model: e.target.value }) }, RUN_MODELS.map((m) => [m, label("model", m)]), model))),
  summaryBox, listBox);
  const summary = await load(summaryBox, () => api.get("/v1/admin/insights/summary", { query: { model } }),
    () => renderRisk(container, params, query));
  if (summary === null) return () => destroyAll(charts);
  if (!summary.run_id) {
    mount(summaryBox, h("p", { class: "empty card", "data-testid": "risk-no-run" }, t("rk.no_run"), " ",
      h("a", { href: href("/scoring", { model }) }, t("rk.start"))));
    listBox.hidden = true;
    return () => destroyAll(charts);
  }
  await drawSummary(summaryBox, summary, charts);
  showList(listBox, model, query);
  return () => destroyAll(charts);
}

function stacked(groups, list) {
  const keys = Object.keys(groups || {});
  return { labels: keys.map((k) => nameOf(list, k)),
    datasets: TIERS.map((tier) => ({ label: label("tier", tier), data: keys.map((k) => groups[k][tier] || 0), backgroundColor: TIER_COLOURS[tier] })) };
}

/** Feature drift, largest PSI first: the flagged ones and the top few, the rest folded away. */
function driftTable(drift) {
  const sorted = [...drift].sort((a, b) => b.psi - a.psi);
  const shown = Math.max(8, sorted.filter((d) => d.flagged).length);
  const grid = (rows, testid) => table([
    { title: t("rk.feature"), cell: (d) => h("code", {}, d.feature) },
    { title: "PSI", cell: (d) => d.psi.toFixed(3), class: "num" },
    { title: t("rk.flagged"), cell: (d) => (d.flagged ? badge(t("rk.flagged"), "warn") : "") },
  ], rows, { testid, rowAttrs: (d) => ({ "data-flagged": String(d.flagged) }) });
  return h("div", {}, h("p", { class: "hint" }, t("rk.drift_hint", { n: sorted.filter((d) => d.flagged).length })),
    grid(sorted.slice(0, shown), "risk-drift"),
    sorted.length > shown ? h("details", {}, h("summary", {}, t("rk.drift_rest", { n: sorted.length - shown })),
      grid(sorted.slice(shown), "risk-drift-rest")) : null);
}

async function drawSummary(box, s, charts) {
  const boxes = Object.fromEntries(["tiers", "movement", "reasons", "groups", "cities"].map((k) => [k, h("div", {})]));
  const card = (title, inner, cls = "") => h("div", { class: `card ${cls}` }, h("h2", {}, title), inner);
  mount(box, h("p", { class: "muted", "data-testid": "risk-as-of" }, t("rk.as_of", { at: chinaDateTime(s.as_of), run: s.run_id, n: s.members ?? "" })),
    h("div", { class: "chart-grid" }, card(t("rk.tiers"), boxes.tiers), card(t("rk.movement"), boxes.movement),
      card(t("rk.top_reasons"), boxes.reasons, "span-2"), card(t("rk.by_group"), boxes.groups), card(t("rk.by_city"), boxes.cities)),
    (s.drift || []).length ? card(t("rk.drift"), driftTable(s.drift)) : null);
  const noLegend = { plugins: { legend: { display: false } } };
  const stackedOpts = { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } };
  const mv = ["up", "down", "same", "new"];
  const reasons = s.top_reasons || [];
  charts.push(
    await chart(boxes.tiers, { type: "doughnut", data: { labels: TIERS.map((x) => label("tier", x)),
      datasets: [{ label: t("rk.count"), data: TIERS.map((x) => s.tiers[x] || 0), backgroundColor: TIERS.map((x) => TIER_COLOURS[x]) }] } },
    { testid: "chart-tiers" }),
    await chart(boxes.movement, { type: "bar", data: { labels: mv.map((k) => t(`rk.mv.${k}`)),
      datasets: [{ label: t("rk.count"), data: mv.map((k) => (s.movement || {})[k] || 0),
        backgroundColor: [TIER_COLOURS.high, TIER_COLOURS.low, "#9a9aa0", PALETTE[0]] }] }, options: noLegend }, { testid: "chart-movement" }),
    await chart(boxes.reasons, { type: "bar", data: { labels: reasons.map((r) => r.text),
      datasets: [{ label: t("rk.count"), data: reasons.map((r) => r.count), backgroundColor: PALETTE[0] }] },
    options: { indexAxis: "y", ...noLegend } }, { testid: "chart-reasons", height: Math.max(180, 34 * reasons.length) }),
    await chart(boxes.groups, { type: "bar", data: stacked(s.by_group, "worker_groups"), options: stackedOpts }, { testid: "chart-groups" }),
    await chart(boxes.cities, { type: "bar", data: stacked(s.by_city, "cities"), options: stackedOpts }, { testid: "chart-cities" }));
}

async function showList(box, model, query, cursor = null, rows = []) {
  const filters = { tier: query.tier || "high", city: query.city || "", group: query.group || "" };
  const refilter = (change) => go("/risk", { model, ...filters, ...change });
  const controls = h("div", { class: "inline-form" },
    field(t("rk.tier"), select({ "data-testid": "risk-tier", onChange: (e) => refilter({ tier: e.target.value }) },
      TIERS.map((x) => [x, label("tier", x)]).reverse(), filters.tier)),
    field(t("rk.city"), select({ "data-testid": "risk-city", onChange: (e) => refilter({ city: e.target.value }) },
      [["", t("core.all")], ...choices("cities")], filters.city)),
    field(t("rk.group"), select({ "data-testid": "risk-group", onChange: (e) => refilter({ group: e.target.value }) },
      [["", t("core.all")], ...choices("worker_groups")], filters.group)));
  const page = await load(box, () => api.get("/v1/admin/scores", { query: { model, ...filters, limit: 25, cursor } }),
    () => showList(box, model, query, cursor, rows));
  if (!page) return;
  const all = [...rows, ...page.items];
  mount(box, h("h2", {}, t("rk.list")), controls, table([
    { title: t("rk.member"), cell: (m) => h("a", { href: `#/members/${m.member_id}` }, m.name_masked || m.name || m.member_id) },
    { title: t("rk.city"), cell: (m) => nameOf("cities", m.city) },
    { title: t("rk.group"), cell: (m) => nameOf("worker_groups", m.worker_group) },
    { title: t("rk.tier"), cell: (m) => tierBadge(m.tier) },
    { title: t("rk.prob"), cell: (m) => pct(m.probability), class: "num" },
    { title: t("rk.reason"), cell: (m) => (m.outputs?.length ? m.outputs.slice(0, 2).map((o) => `${o.name} ${pct(o.probability, 0)}`).join("、")
      : m.reasons[0] ? m.reasons[0].text : t("common.none")) },
    { title: "", cell: (m) => h("button", { type: "button", class: "btn btn-link", "data-testid": `risk-open-${m.member_id}`,
      onClick: (e) => toggle(e.currentTarget, m) }, t("rk.open")) },
  ], all, { testid: "risk-table", rowAttrs: (m) => ({ "data-testid": `risk-row-${m.member_id}`, "data-member": m.member_id }) }),
  page.next_cursor ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "risk-more",
    onClick: () => showList(box, model, query, page.next_cursor, all) }, t("core.more")) : null);
}

function toggle(button, m) {
  const row = button.closest("tr");
  const open = row.nextElementSibling?.classList.contains("expand") ? row.nextElementSibling : null;
  if (open) {
    open.remove();
    button.textContent = t("rk.open");
    return;
  }
  button.textContent = t("rk.close");
  row.after(h("tr", { class: "expand", "data-testid": `risk-detail-${m.member_id}` }, h("td", { colspan: 7 },
    h("div", { class: "cols" }, h("div", {}, h("h3", {}, t("or.reasons")), reasonsList(m.reasons, `risk-reasons-${m.member_id}`),
      h("small", { class: "muted" }, `${m.model_version} · ${chinaDateTime(m.scored_at)}`)), outreachForm(m.member_id)))));
}
