// Staff on a phone: check a worker in by pasting or typing the pass code (POST /v1/staff/checkins), see
// the station's roster for a day (names masked by the API) and the open service requests it handles.
import { pick, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { section } from "../util.js";
import { chinaTime, fmtDateTime, fmtTime, isoDay } from "../../shared/dates.js";
import { badge, field } from "../../shared/widgets.js";

const KIND = { confirmed: "info", checked_in: "ok", cancelled: "muted", no_show: "warn" };

export async function render(root, params, ctx) {
  const { api } = ctx;
  if (!ctx.isStaff()) return mount(root, h("p", { class: "empty" }, t("staff.not_staff")));
  const stationIds = ctx.session().stationIds || [];
  const stationSelect = h("select", { id: "staff-station", "data-testid": "staff-station" });
  const token = h("textarea", { id: "staff-token", name: "token", rows: "3", "data-testid": "staff-token", autocomplete: "off", spellcheck: "false" });
  const checkBtn = h("button", { type: "submit", class: "btn btn-block", "data-testid": "staff-checkin" }, t("staff.checkin"));
  const result = h("div", { "aria-live": "polite", "data-testid": "staff-result" });
  const day = h("input", { type: "date", id: "staff-day", value: isoDay(), "data-testid": "staff-day" });
  const roster = h("div", { "data-testid": "staff-roster" });
  const requests = h("div", { "data-testid": "staff-requests" });

  const form = h("form", { class: "card", novalidate: true, "data-testid": "checkin-form" },
    field(t("staff.token"), token, { hint: t("staff.token_help") }), checkBtn, result);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(checkBtn, async () => {
      result.replaceChildren();
      try {
        const out = await api.post("/v1/staff/checkins", { token: token.value.trim() });
        toast(t("staff.checked_in", { name: out.name }), { kind: "ok" });
        mount(result, h("div", { class: "card ok", "data-testid": "checkin-ok", "data-booking-id": out.booking_id },
          h("strong", {}, t("staff.checked_in", { name: out.name })),
          h("p", { class: "small" }, fmtDateTime(out.slot_start), " · ", fmtTime(out.checked_in_at))));
        token.value = "";
        loadRoster();
      } catch (err) {
        showError(err, result, { form });
      }
    });
  });

  mount(root, h("h1", {}, t("staff.title")),
    field(t("staff.station"), stationSelect),
    form,
    section(t("staff.roster"), field(t("staff.date"), day), roster),
    section(t("staff.requests"), requests));

  async function loadRequests() {
    if (!stationSelect.value) return;
    requests.replaceChildren();
    const stop = loading(requests);
    try {
      const rows = await api.get("/v1/staff/requests", { query: { station: stationSelect.value } });
      stop();
      mount(requests, rows.length ? h("ul", { class: "plain" }, rows.map((r) => h("li", { "data-testid": "staff-request",
        "data-request-id": r.request_id }, h("strong", {}, pick(r.title_zh, r.title_en)), " ",
        badge(t(`request.status.${r.status}`), r.overdue ? "warn" : "info"),
        h("p", { class: "small muted" }, pick(r.station.name_zh, r.station.name_en),
          r.sla_due ? ` · ${t("staff.request_due", { time: chinaTime(r.sla_due) })}` : ""))))
        : h("p", { class: "empty" }, t("staff.requests_empty")));
    } catch (err) {
      stop();
      showError(err, requests, { onRetry: loadRequests });
    }
  }

  async function loadRoster() {
    if (!stationSelect.value) return;
    roster.replaceChildren();
    const stop = loading(roster);
    try {
      const rows = await api.get(`/v1/staff/stations/${encodeURIComponent(stationSelect.value)}/roster`, { query: { date: day.value } });
      stop();
      mount(roster, rows.length ? h("table", { class: "roster" },
        h("tbody", {}, rows.map((r) => h("tr", { "data-testid": "roster-row", "data-status": r.status },
          h("td", {}, `${fmtTime(r.slot_start)}–${fmtTime(r.slot_end)}`), h("td", {}, r.name),
          h("td", {}, badge(t(`booking.status.${r.status}`), KIND[r.status] || "neutral"))))))
        : h("p", { class: "empty" }, t("staff.roster_empty")));
    } catch (err) {
      stop();
      showError(err, roster, { onRetry: loadRoster });
    }
  }
  stationSelect.addEventListener("change", () => { loadRoster(); loadRequests(); });
  day.addEventListener("change", loadRoster);

  const names = await Promise.all(stationIds.map(async (sid) => {
    try {
      const s = await api.get(`/v1/stations/${encodeURIComponent(sid)}`);
      return [sid, `${pick(s.name_zh, s.name_en)} (${s.code})`];
    } catch {
      return [sid, sid];
    }
  }));
  mount(stationSelect, names.map(([sid, name]) => h("option", { value: sid }, name)));
  loadRoster();
  loadRequests();
}
