// The worker mini-app: shell (header, language switch, bottom tabs) on the shared hash router.
// Every screen is a module exporting `render(root, params, ctx)`; it fills `root`, a fresh element per
// visit, so an answer arriving after the person moved on lands in a detached node and does no harm.
import { createApi } from "../shared/api.js";
import { getLang, onLangChange, setLang, t } from "../shared/i18n.js";
import { createRouter, go } from "../shared/router.js";
import { h, mount } from "../shared/ui.js";
import "./texts.js";
import * as bookingView from "./views/booking.js";
import * as bookingsView from "./views/bookings.js";
import * as homeView from "./views/home.js";
import * as loginView from "./views/login.js";
import * as meView from "./views/me.js";
import * as membershipView from "./views/membership.js";
import * as requestView from "./views/request.js";
import * as serviceFormView from "./views/service_form.js";
import * as servicesView from "./views/services.js";
import * as staffView from "./views/staff.js";
import * as stationView from "./views/station.js";

const ROUTES = [
  { path: "/login", view: loginView, public: true },
  { path: "/", view: homeView, tab: "home" },
  { path: "/station/:id", view: stationView, tab: "home" },
  { path: "/bookings", view: bookingsView, tab: "bookings" },
  { path: "/booking/:id", view: bookingView, tab: "bookings" },
  { path: "/services", view: servicesView, tab: "services" },
  { path: "/services/:key", view: serviceFormView, tab: "services" },
  { path: "/requests/:id", view: requestView, tab: "services" },
  { path: "/membership", view: membershipView, tab: "membership" },
  { path: "/me", view: meView, tab: "me" },
  { path: "/staff", view: staffView, tab: "staff" },
];

const ICONS = {
  home: "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5z",
  bookings: "M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zM5 9h14v11H5V9zm2 2v2h2v-2H7zm4 0v2h2v-2h-2z",
  services: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5v4h4v2h-4v4h-2v-4H7v-2h4V7h2z",
  membership: "M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z",
  me: "M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4.4 0-8 2.2-8 5v3h16v-3c0-2.8-3.6-5-8-5z",
  staff: "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3z",
};
const TABS = [
  { id: "home", href: "#/", label: "nav.home" },
  { id: "bookings", href: "#/bookings", label: "nav.bookings" },
  { id: "services", href: "#/services", label: "nav.services" },
  { id: "membership", href: "#/membership", label: "nav.membership" },
  { id: "me", href: "#/me", label: "nav.me" },
];

function icon(id) {
  return h("span", { class: "tab-icon", "aria-hidden": "true",
    html: `<svg viewBox="0 0 24 24" width="22" height="22" fill="currentColor"><path d="${ICONS[id]}"/></svg>` });
}

const api = createApi({ storageKey: "wh.app.session" });
api.setLang(getLang());

function isStaff() {
  const roles = api.session()?.roles || [];
  return roles.includes("staff") || roles.includes("admin");
}

function shell(activeTab, showNav) {
  const langButton = h("button", {
    type: "button", class: "lang-toggle", "data-testid": "lang-toggle", "aria-label": t("app.lang.aria"),
    lang: getLang() === "en" ? "zh-CN" : "en",
    onClick: () => setLang(getLang() === "en" ? "zh-CN" : "en"),
  }, t("app.lang"));
  const header = h("header", { class: "topbar" },
    h("a", { href: "#/", class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "工"), t("app.title")),
    langButton);
  const tabs = TABS.slice();
  if (isStaff()) tabs.push({ id: "staff", href: "#/staff", label: "nav.staff" });
  const nav = showNav
    ? h("nav", { class: "tabbar", "aria-label": t("nav.main") },
      tabs.map((tab) => h("a", {
        href: tab.href, class: tab.id === activeTab ? "active" : "", "data-testid": `tab-${tab.id}`,
        "aria-current": tab.id === activeTab ? "page" : null,
      }, icon(tab.id), h("span", {}, t(tab.label)))))
    : null;
  return { header, nav };
}

async function onRoute(route, params, query, pathname) {
  if (!route) return go("/");
  if (!route.public && !api.session()) {
    const next = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname)}`;
    return go(`/login${next}`);
  }
  const app = document.getElementById("app");
  const { header, nav } = shell(route.tab, !route.public);
  const view = h("main", { id: "view", class: "view", tabindex: "-1", "data-route": route.path });
  mount(app, header, view, nav);
  const cleanups = [];
  const ctx = {
    api, go, query,
    session: () => api.session(),
    isStaff,
    onLeave: (fn) => cleanups.push(fn),
    rerender: () => router.render(),
  };
  await route.view.render(view, params, ctx);
  return () => cleanups.forEach((fn) => fn());
}

const router = createRouter(ROUTES, { onRoute });
onLangChange((lang) => {
  api.setLang(lang);
  router.render();
});
setLang(getLang());
router.render();
