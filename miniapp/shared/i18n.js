/**
 * i18n.js — texts in zh-CN (the default) and en for WorkerHome's front ends.
 *
 * Interface
 *   register({ "zh-CN": { key: "text {var}" }, en: { ... } })   each front end adds its dictionary (merged):
 *                         shared/texts.js, app/texts.js, admin/texts.js
 *   t(key, vars)          the text in the current language; falls back to zh-CN, then to the key itself.
 *                         "{name}" placeholders are filled from vars.
 *   setLang(lang)         "zh-CN" | "en" (anything starting with "en" is en); remembered in localStorage,
 *                         sets <html lang>, and tells listeners.
 *   getLang()             the current language
 *   onLangChange(fn)      fn(lang) after every change; returns an unsubscribe function
 *   pick(zh, en)          choose between a bilingual pair of fields (e.g. name_zh / name_en)
 * Dates and times are shown by dates.js.
 */

export const LANGS = ["zh-CN", "en"];
const STORAGE_KEY = "wh.lang";
const dictionaries = { "zh-CN": {}, en: {} };
const listeners = new Set();

function normalise(lang) {
  return String(lang || "").toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

let current = normalise(readStored() || "zh-CN");

function readStored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function register(dict) {
  for (const [lang, entries] of Object.entries(dict || {})) {
    const target = dictionaries[normalise(lang)];
    Object.assign(target, entries);
  }
}

export function has(key) {
  return key in dictionaries[current] || key in dictionaries["zh-CN"];
}

export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? dictionaries["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export function getLang() {
  return current;
}

export function setLang(lang) {
  const next = normalise(lang);
  const changed = next !== current;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
  if (changed) for (const fn of listeners) fn(next);
  return next;
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function pick(zh, en) {
  return current === "en" ? en ?? zh : zh ?? en;
}

if (typeof document !== "undefined") document.documentElement.lang = current;
