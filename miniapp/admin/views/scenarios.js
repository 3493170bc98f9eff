/**
 * The scenario library: the live scenarios, and a way to open any scenario by key (the catalogue
 * route lists what the signed-in account's audience admits, so members-only ones may be missing).
 */
import { pick, t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { api, label, load, pageHeader, table } from "../core.js";
import { go } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { nameOf } from "/shared/vocabulary.js";

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
