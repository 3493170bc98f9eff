/**
 * main.js — the admin console's shell: log-in gate, side navigation by role, language switch, and
 * the hash routes. Each view lives in views/ and is loaded when first opened, with the vocabulary
 * (cities, groups, categories) its lists and filters name things by.
 */
import { getLang, setLang, t } from "/shared/i18n.js";
import { h, mount, showError } from "/shared/ui.js";
import { createRouter, go } from "/shared/router.js";
import { loadVocabulary } from "/shared/vocabulary.js";
import { api, home } from "./core.js";

const ADMIN = ["admin"];
const STAFF = ["staff", "admin"];
const AUDIT_READERS = ["auditor", "admin"];
const view = (load, name) => () => load().then((m) => m[name]);

const ROUTES = [
  { path: "/login", public: true, load: view(() => import("./views/login.js"), "renderLogin") },
  { path: "/stations", nav: "stations", roles: ADMIN, load: view(() => import("./views/stations.js"), "renderStations") },
  { path: "/stations/new", nav: "stations", roles: ADMIN, load: view(() => import("./views/station-edit.js"), "renderStationEdit") },
  { path: "/stations/:id", nav: "stations", roles: ADMIN, load: view(() => import("./views/station-edit.js"), "renderStationEdit") },
  { path: "/stations/:id/forecast", nav: "stations", roles: ADMIN, load: view(() => import("./views/forecast.js"), "renderForecast") },
  { path: "/scenarios", nav: "scenarios", roles: ADMIN, load: view(() => import("./views/scenarios.js"), "renderScenarios") },
  { path: "/scenarios/new", nav: "scenarios", roles: ADMIN, load: view(() => import("./views/scenario-edit.js"), "renderScenarioEdit") },
  { path: "/scenarios/:key", nav: "scenarios", roles: ADMIN, load: view(() => import("./views/scenario-edit.js"), "renderScenarioEdit") },
  { path: "/membership", nav: "membership", roles: ADMIN, load: view(() => import("./views/membership.js"), "renderMembership") },
  { path: "/queue", nav: "queue", roles: STAFF, load: view(() => import("./views/queue.js"), "renderQueue") },
  { path: "/queue/:id", nav: "queue", roles: STAFF, load: view(() => import("./views/queue.js"), "renderQueue") },
  { path: "/members", nav: "members", roles: ADMIN, load: view(() => import("./views/members.js"), "renderMembers") },
  { path: "/members/:id", nav: "members", roles: ADMIN, load: view(() => import("./views/members.js"), "renderMember") },
  { path: "/scoring", nav: "scoring", roles: ADMIN, load: view(() => import("./views/scoring.js"), "renderScoring") },
  { path: "/scoring/:runId", nav: "scoring", roles: ADMIN, load: view(() => import("./views/scoring.js"), "renderScoring") },
  { path: "/risk", nav: "risk", roles: ADMIN, load: view(() => import("./views/risk.js"), "renderRisk") },
  { path: "/employers", nav: "employers", roles: ADMIN, load: view(() => import("./views/employers.js"), "renderEmployers") },
  { path: "/models", nav: "models", roles: ADMIN, load: view(() => import("./views/models.js"), "renderModels") },
  { path: "/audit", nav: "audit", roles: AUDIT_READERS, load: view(() => import("./views/audit.js"), "renderAudit") },
];

const NAV = [
  ["operations", [["stations", ADMIN], ["scenarios", ADMIN], ["membership", ADMIN], ["queue", STAFF], ["members", ADMIN]]],
  ["insight", [["scoring", ADMIN], ["risk", ADMIN], ["employers", ADMIN], ["models", ADMIN]]],
  ["governance", [["audit", AUDIT_READERS]]],
];

const root = document.getElementById("app");

function allowed(roles) {
  return !roles || roles.some((r) => api.hasRole(r));
}

function shell(active, content) {
  const session = api.session();
  const nav = h("nav", { class: "sidebar", "data-testid": "nav" },
    h("div", { class: "brand" }, t("app.title")),
    NAV.map(([group, items]) => {
      const links = items.filter(([, roles]) => allowed(roles));
      return links.length ? h("div", { class: "nav-group" }, h("div", { class: "nav-group-title" }, t(`nav.group.${group}`)),
        links.map(([key]) => h("a", { href: `#/${key}`, class: key === active ? "active" : "", "data-testid": `nav-${key}` },
          t(`nav.${key}`)))) : null;
    }));
  const top = h("div", { class: "topbar" },
    h("span", { class: "who", "data-testid": "who" }, (session?.roles || []).filter((r) => r !== "worker").join(" · ")),
    h("button", { type: "button", class: "btn btn-ghost", "data-testid": "lang-toggle",
      onClick: () => switchLang(getLang() === "en" ? "zh-CN" : "en") }, t("shell.lang")),
    h("button", { type: "button", class: "btn btn-ghost", "data-testid": "logout",
      onClick: async () => { await api.logout(); go("/login"); } }, t("shell.logout")));
  return h("div", { class: "layout" }, nav, h("div", { class: "main" }, top, content));
}

function switchLang(lang) {
  setLang(lang);
  api.setLang(lang);
  document.title = t("app.title");
  router.render();
}

async function onRoute(route, params, query, path) {
  const session = api.session();
  if (!route || path === "/") {
    if (!session) return go("/login");
    if (path === "/") return go(home());
  }
  if (route && !route.public && !session) return go("/login", { next: path });
  const content = h("section", { class: "content", "data-testid": "content" });
  mount(root, route && route.public ? content : shell(route?.nav, content));
  if (!route) return mount(content, h("p", { class: "empty", "data-testid": "not-found" }, t("shell.not_found")));
  if (!allowed(route.roles)) {
    return mount(content, h("p", { class: "empty", "data-testid": "not-allowed" }, t("shell.not_allowed")));
  }
  try {
    const [render] = await Promise.all([route.load(), route.public ? null : loadVocabulary(api)]);
    return await render(content, params, query);
  } catch (err) {
    showError(err, content);
    return null;
  }
}

document.title = t("app.title");
const router = createRouter(ROUTES, { onRoute });
router.render();
