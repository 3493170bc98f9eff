/**
 * dates.js — how both front ends show dates and times. Two kinds of value come from the API:
 * station wall-clock times carry their own offset ("2026-11-28T12:00:00+08:00": shown as written, not
 * in the phone's zone); instants are UTC ("…Z": shown in China time, where the union works).
 *
 * Interface
 *   fmtDate(iso, { year }), fmtTime(iso), fmtDateTime(iso)   a wall-clock time in its own offset; zh dates
 *                         show the year when it is not this year (or when year: true)
 *   chinaTime(iso)        an instant, short: "11/27 17:00" (worker screens); "" when none
 *   chinaDateTime(iso)    an instant, in full: "2026-11-27 17:00" (console tables); "—" when none
 *   isoDay(date, zone), addDays(day, n), weekdayKey(day), dayLabel(day, today)   calendar days "YYYY-MM-DD"
 *   WEEKDAYS              ["mon", …, "sun"]: the keys of a station's opening hours
 */
import { getLang, t } from "./i18n.js";
import "./texts.js";

const CHINA = "Asia/Shanghai";
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// "2026-11-28T12:00:00+08:00" -> parts in that offset (station-local), not the phone's zone.
function parts(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || "");
  if (!m) return null;
  return { y: m[1], mo: m[2], d: m[3], h: m[4] || "00", mi: m[5] || "00" };
}

export function fmtDate(iso, { year = null } = {}) {
  const p = parts(iso);
  if (!p) return "";
  if (getLang() === "en") return `${p.y}-${p.mo}-${p.d}`;
  const withYear = year ?? Number(p.y) !== new Date().getFullYear();
  return `${withYear ? `${p.y}年` : ""}${Number(p.mo)}月${Number(p.d)}日`;
}

export function fmtTime(iso) {
  const p = parts(iso);
  return p ? `${p.h}:${p.mi}` : "";
}

export function fmtDateTime(iso) {
  return iso ? `${fmtDate(iso)} ${fmtTime(iso)}` : "";
}

function instant(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

export function chinaTime(iso) {
  const d = instant(iso);
  if (!d) return iso || "";
  return new Intl.DateTimeFormat(getLang() === "en" ? "en-GB" : "zh-CN", {
    timeZone: CHINA, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(d);
}

export function chinaDateTime(iso) {
  const d = instant(iso);
  if (!d) return iso || t("common.none");
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: CHINA, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(d).map(({ type, value }) => [type, value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** YYYY-MM-DD of `date` in a time zone (stations give theirs; default China). */
export function isoDay(date = new Date(), timeZone = CHINA) {
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

/** "今天", "明天", or "周三 12/3" (zh) / "Wed 3/12" (en). */
export function dayLabel(day, today) {
  if (day === today) return t("date.today");
  if (day === addDays(today, 1)) return t("date.tomorrow");
  const [, m, d] = day.split("-");
  const weekday = t(`weekday.${weekdayKey(day)}`);
  return getLang() === "en" ? `${weekday} ${Number(d)}/${Number(m)}` : `${weekday} ${Number(m)}/${Number(d)}`;
}
