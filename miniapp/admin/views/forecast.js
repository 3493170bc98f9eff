/** A station's demand forecast: expected bookings vs seats for every slot of the coming days. */
import { pick, t } from "/shared/i18n.js";
import { h, mount } from "/shared/ui.js";
import { chart, destroyAll, PALETTE } from "../charts.js";
import { api, load, pageHeader, select, table } from "../core.js";
import { go } from "/shared/router.js";
import { field } from "/shared/widgets.js";

export async function renderForecast(container, params, query) {
  const days = query.days || "7";
  const charts = [];
  const body = h("div", {});
  const daySelect = select({ "data-testid": "forecast-days", onChange: (e) => go(`/stations/${params.id}/forecast`, { days: e.target.value }) },
    [["1", "1"], ["3", "3"], ["7", "7"], ["14", "14"]], days);
  mount(container, pageHeader(t("fc.title"), field(t("fc.days"), daySelect),
    h("a", { class: "btn btn-ghost", href: `#/stations/${params.id}` }, t("fc.back"))), body);
  const [station, fc] = await load(body, () => Promise.all([api.get(`/v1/stations/${params.id}`),
    api.get(`/v1/admin/stations/${params.id}/forecast`, { query: { days } })]), () => renderForecast(container, params, query)) || [];
  if (!fc) return null;
  const summary = t("fc.summary", { days: fc.days, slots: fc.slots.length, expected: fc.expected_bookings_total,
    seats: fc.seats_total, model: fc.model_version });
  const chartBox = h("div", { class: "card" });
  const busiest = [...fc.slots].sort((a, b) => b.expected_utilisation - a.expected_utilisation).slice(0, 8);
  mount(body, h("h2", {}, `${pick(station.name_zh, station.name_en)} · ${station.code}`),
    h("p", { class: "muted", "data-testid": "forecast-summary" }, summary), chartBox,
    h("div", { class: "card" }, h("h2", {}, t("fc.busiest")), table([
      { title: t("fc.slot"), cell: (s) => slotLabel(s.slot_start_local) },
      { title: t("fc.expected"), cell: (s) => s.expected_bookings.toFixed(1), class: "num" },
      { title: t("fc.seats"), cell: (s) => s.seats, class: "num" },
      { title: t("fc.suggested"), cell: (s) => s.suggested_seats, class: "num" },
      { title: t("fc.util"), cell: (s) => `${Math.round(s.expected_utilisation * 100)}%`, class: "num" },
    ], busiest, { testid: "forecast-table" })));
  if (!fc.slots.length) {
    mount(chartBox, h("p", { class: "empty" }, t("fc.none")));
    return null;
  }
  charts.push(await chart(chartBox, {
    type: "bar",
    data: {
      labels: fc.slots.map((s) => slotLabel(s.slot_start_local)),
      datasets: [
        { type: "bar", label: t("fc.expected"), data: fc.slots.map((s) => s.expected_bookings), backgroundColor: PALETTE[0] },
        { type: "line", label: t("fc.seats"), data: fc.slots.map((s) => s.seats), borderColor: PALETTE[1], pointRadius: 0, stepped: true },
        { type: "line", label: t("fc.suggested"), data: fc.slots.map((s) => s.suggested_seats), borderColor: PALETTE[3],
          borderDash: [4, 4], pointRadius: 0, stepped: true },
      ],
    },
    options: { interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true } },
      plugins: { title: { display: true, text: t("fc.title") } } },
  }, { testid: "chart-forecast", height: 320 }));
  return () => destroyAll(charts);
}

function slotLabel(localIso) {
  return `${localIso.slice(5, 10)} ${localIso.slice(11, 16)}`;
}
