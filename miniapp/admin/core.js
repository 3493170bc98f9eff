/**
 * core.js — what every admin view shares: the API client (its own session, apart from the worker
 * mini-app's), role checks, and a few building blocks (page header, table, labelled field, select,
 * badge, file download). DOM, texts and errors come from the shared modules in /shared/.
 */
import { createApi } from "/shared/api.js";
import { getLang, pick, register, t } from "/shared/i18n.js";
import { h, showError } from "/shared/ui.js";

export const api = createApi({ base: "", storageKey: "wh.admin.session" });
api.setLang(getLang());

export const isAdmin = () => api.hasRole("admin");
export const isStaff = () => api.hasRole("staff") || isAdmin();

register({
  "zh-CN": {
    "core.none": "—", "core.yes": "是", "core.no": "否", "core.more": "加载更多", "core.refresh": "刷新",
    "core.all": "全部",
    "city.beijing": "北京", "city.shanghai": "上海", "city.shenzhen": "深圳", "city.guangzhou": "广州",
    "city.hangzhou": "杭州", "city.chengdu": "成都", "city.wuhan": "武汉", "city.xian": "西安",
    "city.chongqing": "重庆", "city.nanjing": "南京",
    "group.delivery_rider": "外卖骑手", "group.courier": "快递员", "group.ride_hailing_driver": "网约车司机",
    "group.truck_driver": "货车司机", "group.factory_worker": "工厂工人", "group.construction_worker": "建筑工人",
    "group.domestic_worker": "家政工", "group.sanitation_worker": "环卫工", "group.migrant_worker": "农民工",
    "group.other": "其他",
    "tier.low": "低", "tier.medium": "中", "tier.high": "高",
    "audience.all_workers": "所有劳动者", "audience.members": "仅工会会员", "audience.groups": "指定职业群体",
  },
  en: {
    "core.none": "—", "core.yes": "Yes", "core.no": "No", "core.more": "Load more", "core.refresh": "Refresh",
    "core.all": "All",
    "city.beijing": "Beijing", "city.shanghai": "Shanghai", "city.shenzhen": "Shenzhen", "city.guangzhou": "Guangzhou",
    "city.hangzhou": "Hangzhou", "city.chengdu": "Chengdu", "city.wuhan": "Wuhan", "city.xian": "Xi'an",
    "city.chongqing": "Chongqing", "city.nanjing": "Nanjing",
    "group.delivery_rider": "Delivery rider", "group.courier": "Courier", "group.ride_hailing_driver": "Ride-hailing driver",
    "group.truck_driver": "Truck driver", "group.factory_worker": "Factory worker",
    "group.construction_worker": "Construction worker", "group.domestic_worker": "Domestic worker",
    "group.sanitation_worker": "Sanitation worker", "group.migrant_worker": "Migrant worker", "group.other": "Other",
    "tier.low": "Low", "tier.medium": "Medium", "tier.high": "High",
    "audience.all_workers": "All workers", "audience.members": "Union members only", "audience.groups": "Chosen worker groups",
  },
});

export const CITIES = ["beijing", "shanghai", "shenzhen", "guangzhou", "hangzhou", "chengdu", "wuhan", "xian",
  "chongqing", "nanjing"];
export const WORKER_GROUPS = ["delivery_rider", "courier", "ride_hailing_driver", "truck_driver", "factory_worker",
  "construction_worker", "domestic_worker", "sanitation_worker", "migrant_worker", "other"];

/** A label for a code in a namespace ("city", "group", ...), or the code itself when unknown. */
export function label(ns, code) {
  if (code === null || code === undefined || code === "") return t("core.none");
  const key = `${ns}.${code}`;
  const text = t(key);
  return text === key ? String(code) : text;
}

export function pageHeader(title, ...actions) {
  return h("header", { class: "page-header" }, h("h1", { "data-testid": "page-title" }, title),
    h("div", { class: "page-actions" }, actions));
}

/** <select> with [value, text] options; the value is set after the options exist. */
export function select(attrs, options, value = "") {
  const el = h("select", attrs, options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value ?? "";
  return el;
}

/**
 * A table from rows: columns = [{ title, cell(row) -> node|string, class? }].
 * rowAttrs(row) adds attributes to each <tr> (data-testid, class, onClick).
 */
export function table(columns, rows, { testid, rowAttrs = () => ({}), empty = t("common.empty") } = {}) {
  return h("table", { class: "grid", "data-testid": testid },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.title)))),
    h("tbody", {}, rows.length
      ? rows.map((row) => h("tr", rowAttrs(row), columns.map((c) => h("td", { class: c.class }, c.cell(row)))))
      : h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty))));
}

export function tierBadge(tier) {
  return h("span", { class: `badge tier tier-${tier}`, "data-tier": tier }, label("tier", tier));
}

export function pct(p, digits = 1) {
  return p === null || p === undefined ? t("core.none") : `${(p * 100).toFixed(digits)}%`;
}

export function pickName(obj, base = "name") {
  return pick(obj[`${base}_zh`], obj[`${base}_en`]);
}

export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Load into `box`: show the error (with Retry) if the loader fails. Resolves to the data or null. */
export async function load(box, loader, retry) {
  try {
    return await loader();
  } catch (err) {
    box.replaceChildren();
    showError(err, box, { onRetry: retry });
    return null;
  }
}

/** The form's named controls as { name: value } (checkboxes as booleans, numbers as numbers). */
export function formValues(form) {
  const out = {};
  for (const el of form.querySelectorAll("[name]")) {
    if (el.type === "checkbox") out[el.name] = el.checked;
    else if (el.type === "number") out[el.name] = el.value === "" ? null : Number(el.value);
    else out[el.name] = el.value;
  }
  return out;
}
