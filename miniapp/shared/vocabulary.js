/**
 * vocabulary.js — the words both front ends pick from (cities, worker groups, service categories), as
 * GET /v1/vocabulary gives them: { cities: [{code, name_zh, name_en}], worker_groups: [...], categories: [...] }.
 * Fetched once per browser-tab session (kept in sessionStorage); a failed fetch is tried again next time.
 *
 * Interface
 *   loadVocabulary(api) -> Promise of the vocabulary (the first call fetches; later ones share it)
 *   codes(list)         the codes of "cities" | "worker_groups" | "categories", in the API's order
 *   nameOf(list, code)  a code's name in the current language; the code itself when unknown, "—" when none
 *   choices(list)       [[code, name], ...] for a <select>
 */
import { pick, t } from "./i18n.js";
import "./texts.js";

const STORAGE_KEY = "wh.vocabulary";
const EMPTY = { cities: [], worker_groups: [], categories: [] };
let loaded = readStored();
let pending = null;

function readStored() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
  } catch {
    return null;
  }
}

export function loadVocabulary(api) {
  if (loaded) return Promise.resolve(loaded);
  pending ||= api.get("/v1/vocabulary", { auth: false }).then((words) => {
    loaded = words;
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(words));
    } catch {
      // private mode: kept for this page only
    }
    return words;
  }).finally(() => {
    pending = null;
  });
  return pending;
}

function terms(list) {
  return (loaded || EMPTY)[list] || [];
}

export function codes(list) {
  return terms(list).map((term) => term.code);
}

export function nameOf(list, code) {
  if (code === null || code === undefined || code === "") return t("common.none");
  const term = terms(list).find((x) => x.code === code);
  return term ? pick(term.name_zh, term.name_en) : String(code);
}

export function choices(list) {
  return terms(list).map((term) => [term.code, pick(term.name_zh, term.name_en)]);
}
