/**
 * One station: create it, or change its details (only what changed is sent), weekly hours,
 * dated exceptions (closed or special hours), and open or close it.
 */
import { pick, register, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, label, load, pageHeader, select, table } from "../core.js";
import { go } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { choices, codes, nameOf } from "/shared/vocabulary.js";
import "./stations.js";   // kind names

register({
  "zh-CN": {
    "station.new": "新建驿站", "station.details": "基本信息", "station.save": "保存", "station.create": "创建驿站",
    "station.saved": "已保存", "station.created": "驿站已创建", "station.nothing": "没有改动",
    "station.code": "编号", "station.kind": "类型", "station.name_zh": "名称（中文）", "station.name_en": "名称（英文）",
    "station.address": "地址", "station.city": "城市", "station.district": "区", "station.lat": "纬度", "station.lng": "经度",
    "station.amenities": "设施", "station.slot_minutes": "时段长度（分钟）", "station.seats": "每时段座位",
    "station.audience": "开放对象", "station.time_zone": "时区", "station.rules": "预约规则",
    "station.min_notice_minutes": "最少提前（分钟）", "station.max_days_ahead": "最多提前（天）",
    "station.cancel_window_minutes": "取消截止（开始前分钟）", "station.max_active_bookings": "每人最多有效预约",
    "station.no_show_grace_minutes": "爽约宽限（分钟）",
    "hours.title": "每周开放时间", "hours.help": "每天可填多个时段，用逗号分隔，如 08:00-12:00, 14:00-20:00；留空为休息。",
    "hours.save": "保存开放时间", "hours.saved": "开放时间已保存",
    "day.mon": "周一", "day.tue": "周二", "day.wed": "周三", "day.thu": "周四", "day.fri": "周五", "day.sat": "周六", "day.sun": "周日",
    "exc.title": "特殊日期", "exc.date": "日期", "exc.closed": "全天关闭", "exc.hours": "当日时段", "exc.add": "添加",
    "exc.saved": "特殊日期已保存", "exc.remove": "删除", "exc.removed": "已删除", "exc.closed_badge": "关闭",
    "status.title": "状态", "status.active": "开放预约中", "status.inactive": "已停用",
    "status.deactivate": "停用驿站", "status.activate": "重新开放", "station.forecast": "查看需求预测",
    "amenity.water": "饮水", "amenity.hot_meals": "热餐", "amenity.microwave": "微波炉", "amenity.charging": "充电",
    "amenity.restroom": "卫生间", "amenity.rest_seats": "休息座椅", "amenity.lockers": "储物柜", "amenity.first_aid": "急救包",
    "amenity.wifi": "Wi-Fi", "amenity.reading": "阅读", "amenity.mother_baby_room": "母婴室",
  },
  en: {
    "station.new": "New station", "station.details": "Details", "station.save": "Save", "station.create": "Create station",
    "station.saved": "Saved", "station.created": "Station created", "station.nothing": "Nothing changed",
    "station.code": "Code", "station.kind": "Kind", "station.name_zh": "Name (Chinese)", "station.name_en": "Name (English)",
    "station.address": "Address", "station.city": "City", "station.district": "District", "station.lat": "Latitude",
    "station.lng": "Longitude", "station.amenities": "Amenities", "station.slot_minutes": "Slot length (minutes)",
    "station.seats": "Seats per slot", "station.audience": "Open to", "station.time_zone": "Time zone",
    "station.rules": "Booking terms", "station.min_notice_minutes": "Minimum notice (min)",
    "station.max_days_ahead": "Days ahead (max)", "station.cancel_window_minutes": "Cancel until (min before)",
    "station.max_active_bookings": "Active bookings per worker", "station.no_show_grace_minutes": "No-show grace (min)",
    "hours.title": "Weekly hours", "hours.help": "Several ranges a day, comma separated, e.g. 08:00-12:00, 14:00-20:00; empty = closed.",
    "hours.save": "Save hours", "hours.saved": "Hours saved",
    "day.mon": "Mon", "day.tue": "Tue", "day.wed": "Wed", "day.thu": "Thu", "day.fri": "Fri", "day.sat": "Sat", "day.sun": "Sun",
    "exc.title": "Exceptions", "exc.date": "Date", "exc.closed": "Closed all day", "exc.hours": "Hours that day",
    "exc.add": "Add", "exc.saved": "Exception saved", "exc.remove": "Remove", "exc.removed": "Removed",
    "exc.closed_badge": "Closed",
    "status.title": "Status", "status.active": "Taking bookings", "status.inactive": "Inactive",
    "status.deactivate": "Deactivate", "status.activate": "Activate", "station.forecast": "Demand forecast",
    "amenity.water": "Water", "amenity.hot_meals": "Hot meals", "amenity.microwave": "Microwave", "amenity.charging": "Charging",
    "amenity.restroom": "Restroom", "amenity.rest_seats": "Seats", "amenity.lockers": "Lockers", "amenity.first_aid": "First aid",
    "amenity.wifi": "Wi-Fi", "amenity.reading": "Reading", "amenity.mother_baby_room": "Mother & baby room",
  },
});

const KINDS = ["rider_station", "workers_home", "migrant_station", "outdoor_station"];
const AMENITIES = ["water", "hot_meals", "microwave", "charging", "restroom", "rest_seats", "lockers", "first_aid", "wifi",
  "reading", "mother_baby_room"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
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
  return DAYS.map((d) => h("label", { class: "field day" }, h("span", { class: "field-label" }, t(`day.${d}`)),
    h("input", { name: `hours.${d}`, value: (hours[d] || []).join(", "), placeholder: "08:00-20:00", "data-testid": `hours-${d}` })));
}

function readHours(form) {
  const out = {};
  for (const d of DAYS) {
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
        await api.patch(`/v1/stations/${station.station_id}`, changed);
        toast(t("station.saved"), { kind: "ok" });
        await renderStationEdit(container, { id: station.station_id });
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
  return form;
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
