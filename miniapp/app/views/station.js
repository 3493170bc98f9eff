// A station: hours, amenities, terms, a day picker and the day's slots with seats left; book a seat,
// or join the waitlist of a full slot.
import { pick, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { addDays, dayLabel, fmtTime, isoDay, weekdayKey, WEEKDAYS } from "../../shared/dates.js";
import { loadVocabulary, nameOf } from "../../shared/vocabulary.js";
import { badge } from "../../shared/widgets.js";

function hoursTable(station, today) {
  const todayKey = weekdayKey(today);
  return h("table", { class: "hours", "data-testid": "station-hours" },
    h("tbody", {}, WEEKDAYS.map((d) => h("tr", { class: d === todayKey ? "today" : "" },
      h("th", { scope: "row" }, t(`weekday.${d}`)),
      h("td", {}, (station.hours[d] || []).length ? station.hours[d].join(", ") : t("station.closed_day"))))));
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const done = loading(root);
  let station;
  try {
    [station] = await Promise.all([api.get(`/v1/stations/${encodeURIComponent(params.id)}`), loadVocabulary(api)]);
  } catch (err) {
    done();
    showError(err, root, { onRetry: () => render(root, params, ctx) });
    return;
  }
  done();
  const zone = station.time_zone || "Asia/Shanghai";
  const today = isoDay(new Date(), zone);
  let day = ctx.query.date || today;
  let autoAdvanced = false;
  const book = retrySafeAction();
  const wait = retrySafeAction();
  const rules = station.rules;

  const dayPicker = h("div", { class: "chips day-picker", role: "radiogroup", "aria-label": t("station.pick_day"), "data-testid": "day-picker" });
  const slotsBox = h("div", { class: "slots", "data-testid": "slots", "aria-live": "polite" });
  const audience = station.audience === "members" ? t("station.audience.members")
    : Array.isArray(station.audience) ? t("station.audience.groups", { groups: station.audience.map((g) => nameOf("worker_groups", g)).join(", ") }) : null;

  mount(root,
    h("a", { href: "#/", class: "back" }, "‹ ", t("station.back")),
    h("h1", { "data-testid": "station-name" }, pick(station.name_zh, station.name_en)),
    h("p", { class: "muted" }, t(`kind.${station.kind}`), " · ", station.address),
    audience ? h("p", {}, badge(audience, "warn")) : null,
    h("ul", { class: "amenities", "data-testid": "station-amenities", "aria-label": t("station.amenities") },
      station.amenities.map((a) => h("li", { class: "chip chip-static" }, t(`amenity.${a}`)))),
    section(t("station.slots"), dayPicker, slotsBox),
    h("details", { class: "card" }, h("summary", {}, h("strong", {}, t("station.hours"))), hoursTable(station, today)),
    h("details", { class: "card" }, h("summary", {}, h("strong", {}, t("station.rules"))), h("p", { class: "small" }, t("station.rules_text", {
      notice: rules.min_notice_minutes, days: rules.max_days_ahead, cancel: rules.cancel_window_minutes,
      grace: rules.no_show_grace_minutes }))));

  function drawDays() {
    const days = Array.from({ length: rules.max_days_ahead + 1 }, (_, i) => addDays(today, i));
    mount(dayPicker, days.map((d) => h("button", {
      type: "button", class: "chip", role: "radio", "aria-checked": d === day ? "true" : "false",
      "data-testid": `day-${d}`, "data-day": d,
      onClick: () => {
        day = d;
        drawDays();
        loadSlots();
      },
    }, dayLabel(d, today))));
  }

  async function onBook(slot, button) {
    await busy(button, async () => {
      try {
        const booking = await book((key) => api.post("/v1/bookings",
          { station_id: station.station_id, slot_start: slot.slot_start }, { idempotencyKey: key }));
        toast(t("station.booked"), { kind: "ok" });
        ctx.go(`/booking/${encodeURIComponent(booking.booking_id)}`);
      } catch (err) {
        showError(err, slotsBox, { onRetry: () => onBook(slot, button) });
        slotsBox.scrollIntoView({ block: "start" });
      }
    });
  }

  async function onWait(slot, button) {
    await busy(button, async () => {
      try {
        await wait((key) => api.post("/v1/waitlist",
          { station_id: station.station_id, slot_start: slot.slot_start }, { idempotencyKey: key }));
        toast(t("station.joined"), { kind: "ok" });
        ctx.go("/bookings");
      } catch (err) {
        showError(err, slotsBox, { onRetry: () => onWait(slot, button) });
      }
    });
  }

  function slotRow(slot) {
    const full = slot.seats_left <= 0;
    const action = slot.bookable
      ? h("button", { type: "button", class: "btn", "data-testid": "slot-book" }, t("station.book"))
      : full && new Date(slot.slot_start_utc) > new Date()
        ? h("button", { type: "button", class: "btn btn-secondary", "data-testid": "slot-waitlist" }, t("station.waitlist"))
        : h("span", { class: "muted small" }, t("station.past"));
    if (action.tagName === "BUTTON") {
      action.addEventListener("click", () => (slot.bookable ? onBook(slot, action) : onWait(slot, action)));
    }
    return h("li", { class: `slot${slot.bookable ? " bookable" : ""}`, "data-testid": "slot", "data-start": slot.slot_start,
      "data-bookable": slot.bookable ? "true" : "false" },
    h("div", {},
      h("strong", { class: "slot-time" }, `${fmtTime(slot.slot_start)}–${fmtTime(slot.slot_end)}`),
      h("div", { class: "small" },
        full ? badge(t("station.full"), "warn") : h("span", { "data-testid": "slot-seats" }, t("station.seats_left", { n: slot.seats_left })),
        slot.waitlist ? h("span", { class: "muted" }, " · ", t("station.waiting", { n: slot.waitlist })) : null)),
    action);
  }

  async function loadSlots() {
    slotsBox.replaceChildren();
    const stop = loading(slotsBox);
    try {
      const avail = await api.get(`/v1/stations/${encodeURIComponent(station.station_id)}/availability`, { query: { date: day } });
      stop();
      const now = new Date();
      const open = avail.slots.filter((s) => new Date(s.slot_end_utc) > now);
      if (!open.some((s) => s.bookable || s.seats_left <= 0) && day === today && !autoAdvanced && !ctx.query.date) {
        autoAdvanced = true; // late at night: today is over, show tomorrow
        day = addDays(today, 1);
        drawDays();
        return loadSlots();
      }
      if (avail.closed) return mount(slotsBox, h("p", { class: "empty", "data-testid": "slots-closed" }, t("station.closed_on")));
      if (!open.length) return mount(slotsBox, h("p", { class: "empty" }, t("station.no_slots")));
      mount(slotsBox, h("ul", { class: "slot-list" }, open.map(slotRow)));
    } catch (err) {
      stop();
      showError(err, slotsBox, { onRetry: loadSlots });
    }
  }

  drawDays();
  loadSlots();
}
