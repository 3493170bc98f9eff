/**
 * The scenario library: the live scenarios, and a way to open any scenario by key (the catalogue
 * route lists what the signed-in account's audience admits, so members-only ones may be missing).
 */
import { pick, register, t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { api, label, load, pageHeader, table } from "../core.js";
import { go } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { nameOf } from "/shared/vocabulary.js";

register({
  "zh-CN": {
    "sc.title": "服务场景", "sc.new": "新建场景", "sc.key": "标识", "sc.name": "名称", "sc.category": "类别",
    "sc.version": "版本", "sc.audience": "对象", "sc.open_key": "按标识打开", "sc.open": "打开",
    "sc.hint": "列表显示当前账号可见的场景；仅会员可见的场景可按标识打开。",
    "cat.rights_protection": "维权", "cat.hardship_aid": "困难帮扶", "cat.certification": "技能认定", "cat.employment": "就业",
    "cat.training": "培训", "cat.health": "健康", "cat.other": "其他",
  },
  en: {
    "sc.title": "Scenarios", "sc.new": "New scenario", "sc.key": "Key", "sc.name": "Name", "sc.category": "Category",
    "sc.version": "Version", "sc.audience": "Audience", "sc.open_key": "Open by key", "sc.open": "Open",
    "sc.hint": "The list shows the scenarios this account may see; open members-only ones by key.",
    "cat.rights_protection": "Rights protection", "cat.hardship_aid": "Hardship aid", "cat.certification": "Certification",
    "cat.employment": "Employment", "cat.training": "Training", "cat.health": "Health", "cat.other": "Other",
  },
});

export function audienceText(audience) {
  if (Array.isArray(audience)) return audience.map((g) => nameOf("worker_groups", g)).join("、");
  return label("audience", audience);
}

export async function renderScenarios(container) {
  const body = h("div", { class: "card" });
  const key = h("input", { name: "key", placeholder: "hardship_aid_application", "data-testid": "scenario-open-key" });
  mount(container, pageHeader(t("sc.title"),
    h("form", { class: "inline-form", onSubmit: (e) => { e.preventDefault(); if (key.value.trim()) go(`/scenarios/${key.value.trim()}`); } },
      field(t("sc.open_key"), key), h("button", { type: "submit", class: "btn btn-secondary" }, t("sc.open"))),
    h("a", { class: "btn btn-primary", href: "#/scenarios/new", "data-testid": "scenario-new" }, t("sc.new"))), body);
  const list = await load(body, () => api.get("/v1/scenarios"), () => renderScenarios(container));
  if (!list) return;
  mount(body, h("p", { class: "hint" }, t("sc.hint")), table([
    { title: t("sc.name"), cell: (s) => h("a", { href: `#/scenarios/${s.key}` }, pick(s.title_zh, s.title_en)) },
    { title: t("sc.key"), cell: (s) => h("code", {}, s.key) },
    { title: t("sc.category"), cell: (s) => nameOf("categories", s.category) },
    { title: t("sc.audience"), cell: (s) => audienceText(s.audience) },
    { title: t("sc.version"), cell: (s) => badge(`v${s.version}`), class: "num" },
  ], list, { testid: "scenarios-table", rowAttrs: (s) => ({ "data-testid": `scenario-row-${s.key}` }) }));
}
