/**
 * Employer labour risk: the employers of a city, each scored (probability of a dispute next
 * quarter, tier, reasons and suggested actions), riskiest first.
 */
import { register, t } from "/shared/i18n.js";
import { busy, h, mount, showError } from "/shared/ui.js";
import { api, label, load, pageHeader, pct, pickName, select, table, tierBadge } from "../core.js";
import { statusBadge } from "./queue.js";
import { go } from "/shared/router.js";
import { reasonsList } from "./outreach.js";
import { field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { choices, codes } from "/shared/vocabulary.js";

register({
  "zh-CN": {
    "er.title": "用人单位劳动风险", "er.city": "城市", "er.name": "单位", "er.industry": "行业", "er.prob": "下季度纠纷概率",
    "er.tier": "层级", "er.reasons": "原因与建议", "er.inputs": "近 4 周 / 26 周维权求助", "er.union": "有工会",
    "er.cases": "相关案件", "er.count": "{n} 家单位", "er.show_cases": "查看", "er.no_cases": "没有欠薪或工伤案件",
    "industry.delivery_platform": "即时配送", "industry.construction": "建筑", "industry.sanitation": "环卫",
    "industry.logistics": "物流快递", "industry.manufacturing": "制造", "industry.domestic_services": "家政",
    "industry.ride_hailing": "网约车",
  },
  en: {
    "er.title": "Employer labour risk", "er.city": "City", "er.name": "Employer", "er.industry": "Industry",
    "er.prob": "Dispute next quarter", "er.tier": "Tier", "er.reasons": "Reasons and actions",
    "er.inputs": "Rights requests 4w / 26w", "er.union": "Has a union", "er.cases": "Cases", "er.count": "{n} employers", "er.show_cases": "Show", "er.no_cases": "No wage-arrears or injury cases",
    "industry.delivery_platform": "Delivery platform", "industry.construction": "Construction", "industry.sanitation": "Sanitation",
    "industry.logistics": "Logistics", "industry.manufacturing": "Manufacturing", "industry.domestic_services": "Domestic services",
    "industry.ride_hailing": "Ride-hailing",
  },
});

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
