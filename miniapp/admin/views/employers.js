/**
 * Employer labour risk: the employers of a city, each scored (probability of a dispute next
 * quarter, tier, reasons and suggested actions), riskiest first.
 */
import { t } from "/shared/i18n.js";
import { busy, h, mount, showError } from "/shared/ui.js";
import { api, label, load, pageHeader, pct, pickName, select, table, tierBadge } from "../core.js";
import { statusBadge } from "./queue.js";
import { go } from "/shared/router.js";
import { reasonsList } from "./outreach.js";
import { field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { choices, codes } from "/shared/vocabulary.js";

export async function renderEmployers(container, params, query) {
  const city = codes("cities").includes(query.city) ? query.city : "beijing";
  const body = h("div", { class: "card" });
  mount(container, pageHeader(t("er.title"), field(t("er.city"), select({ "data-testid": "employers-city",
    onChange: (e) => go("/employers", { city: e.target.value }) }, choices("cities"), city))), body);
  const rows = await load(body, async () => {
    const employers = await api.get("/v1/employers", { query: { city } });
    const risks = await Promise.all(employers.map((e) => api.get(`/v1/admin/employers/${e.employer_id}/risk`)));
    return risks.sort((a, b) => b.risk.probability - a.risk.probability);
  }, () => renderEmployers(container, params, query));
  if (!rows) return;
  mount(body, h("p", { class: "muted" }, t("er.count", { n: rows.length })), table([
    { title: t("er.name"), cell: (r) => h("strong", {}, r.name) },
    { title: t("er.industry"), cell: (r) => label("industry", r.inputs.industry) },
    { title: t("er.tier"), cell: (r) => tierBadge(r.risk.tier) },
    { title: t("er.prob"), cell: (r) => pct(r.risk.probability), class: "num" },
    { title: t("er.inputs"), cell: (r) => `${r.inputs.rights_requests_4w ?? 0} / ${r.inputs.rights_requests_26w ?? 0}`, class: "num" },
    { title: t("er.union"), cell: (r) => (r.inputs.has_union ? t("core.yes") : t("core.no")) },
    { title: t("er.reasons"), cell: (r) => reasonsList(r.risk.reasons, `employer-reasons-${r.employer_id}`) },
    { title: t("er.cases"), cell: (r) => h("button", { type: "button", class: "btn btn-link", "data-testid": `employer-cases-${r.employer_id}`,
      onClick: (e) => showCases(e.currentTarget, r.employer_id) }, t("er.show_cases")) },
  ], rows, { testid: "employers-table", rowAttrs: (r) => ({ "data-testid": `employer-row-${r.employer_id}`, "data-tier": r.risk.tier }) }));
}

/** The employer's wage-arrears and work-injury requests, newest first, in a row under the employer. */
async function showCases(button, employerId) {
  const row = button.closest("tr");
  if (row.nextElementSibling?.classList.contains("expand")) {
    row.nextElementSibling.remove();
    return;
  }
  await busy(button, async () => {
    const cell = h("td", { colspan: row.children.length });
    row.after(h("tr", { class: "expand", "data-testid": `employer-cases-list-${employerId}` }, cell));
    try {
      const cases = await api.get(`/v1/admin/employers/${employerId}/cases`);
      mount(cell, cases.length ? h("ul", { class: "plain" }, cases.map((c) => h("li", {},
        h("a", { href: `#/queue/${c.request_id}` }, pickName(c, "title")), " ", statusBadge(c.status), ` · ${chinaDateTime(c.submitted_at)}`)))
        : h("p", { class: "muted" }, t("er.no_cases")));
    } catch (err) {
      showError(err, cell);
    }
  });
}
