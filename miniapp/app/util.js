// Small helpers the mini-app's screens share.
import { newIdempotencyKey } from "../shared/api.js";
import { getLang, t } from "../shared/i18n.js";
import { h } from "../shared/ui.js";

/**
 * A write a person may repeat (tapping "Book" again after a timeout): every try carries the same
 * Idempotency-Key until the API has answered it for good (success or a 4xx), so a repeat after a lost
 * answer replays the first result instead of doing it twice.
 */
export function retrySafeAction() {
  let key = newIdempotencyKey();
  return async (run) => {
    try {
      const result = await run(key);
      key = newIdempotencyKey();
      return result;
    } catch (err) {
      if (err && err.status >= 400 && err.status < 500 && err.code !== "request_in_progress") key = newIdempotencyKey();
      throw err;
    }
  };
}

/** YYYY-MM-DD of `date` in a time zone (stations give theirs; default China). */
export function isoDay(date = new Date(), timeZone = "Asia/Shanghai") {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function weekdayKey(day) {
  return ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][new Date(`${day}T12:00:00Z`).getUTCDay()];
}

export function dayLabel(day, today) {
  if (day === today) return t("day.today");
  if (day === addDays(today, 1)) return t("day.tomorrow");
  const [, m, d] = day.split("-");
  return getLang() === "en" ? `${t(`wd.${weekdayKey(day)}`)} ${Number(d)}/${Number(m)}` : `${t(`wd.${weekdayKey(day)}`)} ${Number(m)}/${Number(d)}`;
}

export function distanceText(m) {
  return m < 1000 ? t("home.distance.m", { n: m }) : t("home.distance.km", { n: (m / 1000).toFixed(1) });
}

/** A UTC ISO instant shown in China time (requests, memberships carry UTC only). */
export function chinaTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const fmt = new Intl.DateTimeFormat(getLang() === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
  return fmt.format(d);
}

export function badge(text, kind = "neutral", testid = null) {
  return h("span", { class: `badge badge-${kind}`, "data-testid": testid }, text);
}

export function section(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

export function field(label, control, { hint = null, required = false, id = null } = {}) {
  const controlId = id || control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = controlId;
  return h("div", { class: "field" },
    h("label", { for: controlId }, label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("p", { class: "hint" }, hint) : null);
}

export const CITY_CENTRES = {
  beijing: [39.9042, 116.4074], shanghai: [31.2304, 121.4737], shenzhen: [22.5431, 114.0579],
  guangzhou: [23.1291, 113.2644], hangzhou: [30.2741, 120.1551], chengdu: [30.5728, 104.0668],
  wuhan: [30.5928, 114.3055], xian: [34.3416, 108.9398], chongqing: [29.563, 106.5516], nanjing: [32.0603, 118.7969],
};
