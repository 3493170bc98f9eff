// Home: stations near the worker (browser geolocation, or a city picker when it is denied), nearest
// first, with distance, open-now, free seats and amenities; filter by kind and amenity.
import { pick, t } from "../../shared/i18n.js";
import { h, loading, mount, showError } from "../../shared/ui.js";
import { CITY_CENTRES, distanceText } from "../util.js";
import { badge, field } from "../../shared/widgets.js";
import { choices, loadVocabulary, nameOf } from "../../shared/vocabulary.js";

export const KINDS = ["rider_station", "workers_home", "migrant_station", "outdoor_station"];
export const AMENITIES = ["water", "hot_meals", "microwave", "charging", "restroom", "rest_seats", "lockers",
  "first_aid", "wifi", "reading", "mother_baby_room"];
const CITY_KEY = "wh.app.city";
const FILTER_KEY = "wh.app.filters";
const NEAR_KM = 10;
const CITY_KM = 30;

function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error("no geolocation"));
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve([pos.coords.latitude, pos.coords.longitude]),
      (err) => reject(err),
      { timeout: 8000, maximumAge: 60000, enableHighAccuracy: false });
  });
}

function loadFilters() {
  try {
    return { kind: "", amenity: [], ...JSON.parse(sessionStorage.getItem(FILTER_KEY) || "{}") };
  } catch {
    return { kind: "", amenity: [] };
  }
}

export function stationCard(s) {
  return h("a", { href: `#/station/${encodeURIComponent(s.station_id)}`, class: "card station-item",
    "data-testid": "station-item", "data-code": s.code },
  h("div", { class: "row spread" },
    h("h3", { class: "station-name" }, pick(s.name_zh, s.name_en)),
    h("span", { class: "distance", "data-testid": "station-distance" }, distanceText(s.distance_m))),
  h("p", { class: "muted small" }, t(`kind.${s.kind}`), " · ", s.address),
  h("div", { class: "row wrap gap" },
    s.open_now ? badge(t("home.open_now"), "ok", "station-open") : badge(t("home.closed_now"), "muted", "station-open"),
    s.open_now ? badge(t("home.free_seats", { n: s.free_seats_now }), s.free_seats_now > 0 ? "info" : "warn", "station-seats") : null),
  h("ul", { class: "amenities", "aria-label": t("station.amenities") },
    s.amenities.map((a) => h("li", { class: "chip chip-static" }, t(`amenity.${a}`)))));
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const filters = loadFilters();
  let where = null; // { lat, lng, radius, city? }

  const status = h("p", { class: "muted small", "data-testid": "home-status", "aria-live": "polite" });
  const picker = h("div", { class: "city-picker" });
  const list = h("div", { class: "station-list", "data-testid": "station-list" });
  const kindSelect = h("select", { name: "kind", "data-testid": "filter-kind" },
    h("option", { value: "" }, t("home.kind.all")),
    KINDS.map((k) => h("option", { value: k, selected: filters.kind === k }, t(`kind.${k}`))));
  const chips = h("div", { class: "chips", role: "group", "aria-label": t("home.amenities") },
    AMENITIES.map((a) => h("button", {
      type: "button", class: "chip", "aria-pressed": filters.amenity.includes(a) ? "true" : "false",
      "data-testid": `filter-amenity-${a}`,
      onClick: (ev) => {
        const on = ev.currentTarget.getAttribute("aria-pressed") !== "true";
        ev.currentTarget.setAttribute("aria-pressed", on ? "true" : "false");
        filters.amenity = on ? [...filters.amenity, a] : filters.amenity.filter((x) => x !== a);
        search();
      },
    }, t(`amenity.${a}`))));
  kindSelect.addEventListener("change", () => {
    filters.kind = kindSelect.value;
    search();
  });
  const filterBox = h("details", { class: "card filters", open: Boolean(filters.kind || filters.amenity.length) },
    h("summary", {}, t("home.filters")),
    field(t("home.kind"), kindSelect),
    h("p", { class: "label" }, t("home.amenities")), chips);

  mount(root, h("h1", {}, t("home.title")), status, picker, filterBox, list);

  async function search() {
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filters));
    if (!where) return;
    list.replaceChildren();
    const done = loading(list);
    try {
      const hits = await api.get("/v1/stations", { query: {
        lat: where.lat.toFixed(5), lng: where.lng.toFixed(5), radius_km: where.radius,
        kind: filters.kind, amenity: filters.amenity } });
      done();
      mount(list, hits.length ? hits.map(stationCard) : h("p", { class: "empty", "data-testid": "station-empty" }, t("home.none")));
    } catch (err) {
      done();
      showError(err, list, { onRetry: search });
    }
  }

  function useCity(code) {
    const [lat, lng] = CITY_CENTRES[code] || CITY_CENTRES.beijing;
    localStorage.setItem(CITY_KEY, code);
    status.textContent = t("home.city_mode", { city: nameOf("cities", code) });
    where = { lat, lng, radius: CITY_KM, city: code };
    search();
  }

  async function showCityPicker() {
    try {
      await loadVocabulary(api);
    } catch (err) {
      showError(err, picker, { onRetry: showCityPicker });
      return;
    }
    const chosen = localStorage.getItem(CITY_KEY) || "";
    const select = h("select", { name: "city", "data-testid": "city-picker" },
      h("option", { value: "", disabled: true, selected: !chosen }, t("form.choose")),
      choices("cities").filter(([code]) => CITY_CENTRES[code])
        .map(([code, name]) => h("option", { value: code, selected: code === chosen }, name)));
    select.addEventListener("change", () => useCity(select.value));
    const retry = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "use-location",
      onClick: () => start() }, t("home.use_location"));
    mount(picker, h("div", { class: "card notice", "data-testid": "geo-denied" },
      h("p", {}, t("home.geo_denied")), field(t("home.city"), select), retry));
    if (chosen) useCity(chosen);
    else status.textContent = "";
  }

  async function start() {
    picker.replaceChildren();
    status.textContent = t("home.locating");
    try {
      const [lat, lng] = await locate();
      where = { lat, lng, radius: NEAR_KM };
      status.textContent = t("home.located");
      search();
    } catch {
      showCityPicker();
    }
  }

  start();
}
