// Small helpers the mini-app's screens share.
import { newIdempotencyKey } from "../shared/api.js";
import { t } from "../shared/i18n.js";
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

export function distanceText(m) {
  return m < 1000 ? t("home.distance.m", { n: m }) : t("home.distance.km", { n: (m / 1000).toFixed(1) });
}

export function section(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

export const CITY_CENTRES = {
  beijing: [39.9042, 116.4074], shanghai: [31.2304, 121.4737], shenzhen: [22.5431, 114.0579],
  guangzhou: [23.1291, 113.2644], hangzhou: [30.2741, 120.1551], chengdu: [30.5728, 104.0668],
  wuhan: [30.5928, 114.3055], xian: [34.3416, 108.9398], chongqing: [29.563, 106.5516], nanjing: [32.0603, 118.7969],
};
