/**
 * One station: create it, or change its details (only what changed is sent), weekly hours,
 * dated exceptions (closed or special hours), and open or close it.
 */
import { pick, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, label, load, pageHeader, select, table } from "../core.js";
import { go } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { WEEKDAYS, fmtDateTime } from "/shared/dates.js";
import { choices, codes, nameOf } from "/shared/vocabulary.js";

const KINDS = ["rider_station", "workers_home", "migrant_station", "outdoor_station"];
const AMENITIES = ["water", "hot_meals", "microwave", "charging", "restroom", "rest_seats", "lockers", "first_aid", "wifi",
  "reading", "mother_baby_room"];
const RULES = ["min_notice_minutes", "max_days_ahead", "cancel_window_minutes", "max_active_bookings", "no_show_grace_minutes"];
const BLANK = { code: "", kind: "rider_station", name_zh: "", name_en: "", address: "", city: "beijing", district: "",
  lat: "", lng: "", amenities: [], hours: {}, slot_minutes: 30, seats: 10, audience: "all_workers", time_zone: "Asia/Shanghai",
  rules: { min_notice_minutes: 30, max_days_ahead: 7, cancel_window_minutes: 60, max_active_bookings: null, no_show_grace_minutes: 15 } };

export async function renderStationEdit(container, params) {
  if (!params.id) return renderForm(container, null);
  const station = await load(container, () => api.get(`/v1/stations/${params.id}`), () => renderStationEdit(container, params));
  if (station) renderForm(container, station);
  return null;
}

function renderForm(container, station) {
  const title = station ? `${pick(station.name_zh, station.name_en)} · ${station.code}` : t("station.new");
  const details = detailsForm(station, container);
  const parts = [pageHeader(title, station ? h("a", { class: "btn btn-ghost", href: `#/stations/${station.station_id}/forecast`,
    "data-testid": "station-forecast" }, t("station.forecast")) : null), details];
  if (station) parts.push(h("div", { class: "cols" }, hoursCard(station), h("div", {}, exceptionsCard(station), statusCard(station, container))));
  mount(container, ...parts);
}

const ranges = (text) => text.split(/[,，\s]+/).map((r) => r.trim()).filter(Boolean);

function hoursInputs(hours) {
  return WEEKDAYS.map((d) => field(t(`weekday.${d}`),
    h("input", { name: `hours.${d}`, value: (hours[d] || []).join(", "), placeholder: "08:00-20:00", "data-testid": `hours-${d}` })));
}

function readHours(form) {
  const out = {};
  for (const d of WEEKDAYS) {
    const list = ranges(form.querySelector(`[name="hours.${d}"]`).value);
    if (list.length) out[d] = list;
  }
  return out;
}

function detailsForm(station, container) {
  const s = station || BLANK;
  const text = (name, attrs = {}) => field(t(`station.${name}`), h("input", { name, value: s[name] ?? "", "data-testid": `station-${name}`, ...attrs }));
  const num = (name, step = "1") => text(name, { type: "number", step });
  const audienceKind = Array.isArray(s.audience) ? "groups" : s.audience;
  const groups = h("div", { class: "checks", "data-field": "audience", hidden: audienceKind !== "groups" },
    codes("worker_groups").map((g) => h("label", { class: "check" }, h("input", { type: "checkbox", value: g, "data-group": g,
      checked: Array.isArray(s.audience) && s.audience.includes(g) }), nameOf("worker_groups", g))));
  const audience = select({ "data-testid": "station-audience", onChange: (e) => { groups.hidden = e.target.value !== "groups"; } },
    ["all_workers", "members", "groups"].map((a) => [a, t(`audience.${a}`)]), audienceKind);
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "card", "data-testid": "station-form", novalidate: true, onSubmit: submit },
    h("h2", {}, t("station.details")), errors,
    h("div", { class: "grid-form" },
      text("code", { readOnly: Boolean(station) }),
      field(t("station.kind"), select({ name: "kind", "data-testid": "station-kind" }, KINDS.map((k) => [k, label("kind", k)]), s.kind)),
      text("name_zh"), text("name_en"), text("address"),
      field(t("station.city"), select({ name: "city", "data-testid": "station-city" }, choices("cities"), s.city)),
      text("district"), num("lat", "any"), num("lng", "any"), num("slot_minutes"), num("seats"), text("time_zone")),
    field(t("station.amenities"), h("div", { class: "checks", "data-field": "amenities" }, AMENITIES.map((a) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", "data-amenity": a, checked: s.amenities.includes(a) }), t(`amenity.${a}`))))),
    field(t("station.audience"), h("div", {}, audience, groups)),
    h("fieldset", { class: "grid-form" }, h("legend", {}, t("station.rules")),
      RULES.map((r) => field(t(`station.${r}`), h("input", { type: "number", name: `rules.${r}`, value: s.rules[r] ?? "",
        "data-testid": `station-rules-${r}` })))),
    station ? null : h("fieldset", {}, h("legend", {}, t("hours.title")), h("p", { class: "hint" }, t("hours.help")),
      h("div", { class: "hours" }, hoursInputs({}))),
    h("button", { type: "submit", class: "btn btn-primary", "data-testid": "station-save" },
      station ? t("station.save") : t("station.create")));

  function values() {
    const v = {};
    for (const name of ["code", "kind", "name_zh", "name_en", "address", "city", "district", "time_zone"]) {
      v[name] = form.querySelector(`[name=${name}]`).value.trim();
    }
    for (const name of ["lat", "lng", "slot_minutes", "seats"]) {
      const raw = form.querySelector(`[name=${name}]`).value;
      v[name] = raw === "" ? null : Number(raw);
    }
    v.amenities = [...form.querySelectorAll("[data-amenity]:checked")].map((el) => el.dataset.amenity);
    v.audience = audience.value === "groups" ? [...groups.querySelectorAll("input:checked")].map((el) => el.value) : audience.value;
    v.rules = Object.fromEntries(RULES.map((r) => {
      const raw = form.querySelector(`[name="rules.${r}"]`).value;
      return [r, raw === "" ? null : Number(raw)];
    }));
    return v;
  }

  async function submit(event) {
    event.preventDefault();
    clearErrors(errors, form);
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        if (!station) {
          const created = await api.post("/v1/admin/stations", { ...values(), hours: readHours(form) });
          toast(t("station.created"), { kind: "ok" });
          go(`/stations/${created.station_id}`);
          return;
        }
        const v = values();
        const changed = Object.fromEntries(Object.entries(v).filter(([k, val]) => k !== "code"
          && JSON.stringify(val) !== JSON.stringify(k === "rules" ? { ...BLANK.rules, ...station.rules } : station[k])));
        if (!Object.keys(changed).length) return toast(t("station.nothing"));
        const out = await api.patch(`/v1/stations/${station.station_id}`, changed);
        toast(t("station.saved"), { kind: "ok" });
        await renderStationEdit(container, { id: station.station_id });
        if (out.seats_over) container.querySelector("[data-testid=station-form]")?.before(seatsOverNotice(out.seats_over));
      } catch (err) {
        showError(err, errors, { form, labels: FIELD_LABELS() });
      }
    });
  }
  return form;
}

/** The fields' labels, so an error names a field as the form does. */
const FIELD_LABELS = () => Object.fromEntries(["code", "kind", "name_zh", "name_en", "address", "city", "district", "lat", "lng",
  "slot_minutes", "seats", "time_zone", "amenities", "audience"].map((n) => [n, t(`station.${n}`)]));

/** After a seat cut: which slots now hold more bookings than seats (nobody's booking was cancelled). */
function seatsOverNotice(over) {
  return h("div", { class: "card", role: "status", "data-testid": "seats-over" },
    h("h2", {}, t("station.seats_over_title")),
    h("p", {}, t("station.seats_over", { n: over.bookings, slots: over.slots.length })),
    h("ul", {}, over.slots.map((s) => h("li", { "data-testid": "seats-over-slot" },
      t("station.seats_over_slot", { when: fmtDateTime(s.slot_start), taken: s.taken, over: s.over })))));
}

function hoursCard(station) {
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "card", "data-testid": "hours-form", novalidate: true, onSubmit: submit },
    h("h2", {}, t("hours.title")), h("p", { class: "hint" }, t("hours.help")), errors,
    h("div", { class: "hours" }, hoursInputs(station.hours)),
    h("button", { type: "submit", class: "btn btn-primary", "data-testid": "hours-save" }, t("hours.save")));

  async function submit(event) {
    event.preventDefault();
    clearErrors(errors, form);
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        const out = await api.put(`/v1/stations/${station.station_id}/hours`, { hours: readHours(form) });
        Object.assign(station, out);
        toast(t("hours.saved"), { kind: "ok" });
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
  return form;
}

function exceptionsCard(station) {
  const box = h("div", { class: "card", "data-testid": "exceptions" });
  const draw = () => {
    const rows = Object.entries(station.exceptions || {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([date, hours]) => ({ date, hours }));
    const date = h("input", { type: "date", name: "date", "data-testid": "exc-date" });
    const closed = h("input", { type: "checkbox", name: "closed", "data-testid": "exc-closed",
      onChange: () => { hours.disabled = closed.checked; } });
    const hours = h("input", { name: "hours", placeholder: "10:00-14:00", "data-testid": "exc-hours" });
    const errors = h("div", { class: "errors" });
    const form = h("form", { class: "inline-form", novalidate: true, onSubmit: add },
      field(t("exc.date"), date), h("label", { class: "check" }, closed, t("exc.closed")), field(t("exc.hours"), hours),
      h("button", { type: "submit", class: "btn btn-secondary", "data-testid": "exc-add" }, t("exc.add")));
    mount(box, h("h2", {}, t("exc.title")), errors, table([
      { title: t("exc.date"), cell: (r) => r.date },
      { title: t("exc.hours"), cell: (r) => r.hours.length ? r.hours.join(", ") : badge(t("exc.closed_badge"), "warn") },
      { title: "", cell: (r) => h("button", { type: "button", class: "btn btn-link", "data-testid": `exc-remove-${r.date}`,
        onClick: (e) => remove(e.currentTarget, r.date) }, t("exc.remove")) },
    ], rows, { testid: "exceptions-table", rowAttrs: (r) => ({ "data-testid": `exc-row-${r.date}` }) }), form);

    async function add(event) {
      event.preventDefault();
      clearErrors(errors, form);
      await busy(form.querySelector("[type=submit]"), async () => {
        try {
          const body = closed.checked ? { closed: true, hours: [] } : { closed: false, hours: ranges(hours.value) };
          const day = date.value || "-";
          Object.assign(station, await api.put(`/v1/stations/${station.station_id}/exceptions/${day}`, body));
          toast(t("exc.saved"), { kind: "ok" });
          draw();
        } catch (err) {
          showError(err, errors, { form });
        }
      });
    }

    async function remove(button, day) {
      await busy(button, async () => {
        try {
          Object.assign(station, await api.del(`/v1/stations/${station.station_id}/exceptions/${day}`));
          toast(t("exc.removed"), { kind: "ok" });
          draw();
        } catch (err) {
          showError(err, errors);
        }
      });
    }
  };
  draw();
  return box;
}

function statusCard(station, container) {
  const errors = h("div", { class: "errors" });
  const action = station.active ? "deactivate" : "activate";
  return h("div", { class: "card", "data-testid": "station-status" }, h("h2", {}, t("status.title")), errors,
    h("p", {}, station.active ? badge(t("status.active"), "ok") : badge(t("status.inactive"), "muted")),
    h("button", { type: "button", class: station.active ? "btn btn-danger" : "btn btn-secondary", "data-testid": `station-${action}`,
      onClick: (e) => busy(e.currentTarget, async () => {
        try {
          await api.post(`/v1/admin/stations/${station.station_id}/${action}`);
          await renderStationEdit(container, { id: station.station_id });
        } catch (err) {
          showError(err, errors);
        }
      }) }, t(`status.${action}`)));
}
