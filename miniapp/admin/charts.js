/**
 * charts.js — Chart.js (installed from the npm registry into miniapp/node_modules, served under
 * /vendor/) loaded once, on the first page that draws a chart. `chart(box, config)` puts a canvas in
 * the box and draws; the returned chart is destroyed by the view's cleanup.
 */
import { t } from "/shared/i18n.js";
import { h, mount, showError } from "/shared/ui.js";

export const CHART_JS_URL = "/vendor/chart.js/dist/chart.umd.min.js";
let loading = null;

export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = h("script", { src: CHART_JS_URL, async: true });
      script.addEventListener("load", () => (window.Chart ? resolve(window.Chart) : reject(new Error("Chart.js did not load"))));
      script.addEventListener("error", () => {
        loading = null;
        reject(Object.assign(new Error(`${t("charts.unavailable")} (${CHART_JS_URL})`), { code: "chart_js_missing" }));
      });
      document.head.append(script);
    });
  }
  return loading;
}

export const TIER_COLOURS = { low: "#5b9a6b", medium: "#e0a030", high: "#c8463c" };
export const PALETTE = ["#2f6db5", "#c8463c", "#5b9a6b", "#e0a030", "#7a58a8", "#3a9aa8", "#a86a3a", "#6b6b6b"];

/** Draw `config` into `box` (a canvas with data-testid `testid`); shows an error instead if Chart.js is missing. */
export async function chart(box, config, { testid, height = 260 } = {}) {
  const canvas = h("canvas", { "data-testid": testid, role: "img", "aria-label": config.options?.plugins?.title?.text || testid });
  mount(box, h("div", { class: "chart", style: { height: `${height}px` } }, canvas));
  try {
    const Chart = await loadChartJs();
    const base = { responsive: true, maintainAspectRatio: false, animation: { duration: 250 } };
    return new Chart(canvas, { ...config, options: { ...base, ...(config.options || {}) } });
  } catch (err) {
    mount(box);
    showError(err, box);
    return null;
  }
}

/** Call destroy() on every chart given (for a view's cleanup). */
export function destroyAll(charts) {
  for (const c of charts) if (c) c.destroy();
  charts.length = 0;
}
