/**
 * Model cards (version, training data, metrics against the oracle and baselines, calibration) and
 * threshold tuning: move the medium/high cut-offs and see, from the card's test-set calibration
 * bins, roughly how many members each tier would hold and how often they truly leave, before saving
 * (the change is audited by the API).
 */
import { t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { chart, destroyAll, PALETTE, TIER_COLOURS } from "../charts.js";
import { api, label, load, pageHeader, pct, table } from "../core.js";
import { field } from "/shared/widgets.js";

export async function renderModels(container) {
  const charts = [];
  const body = h("div", { class: "model-cards" });
  mount(container, pageHeader(t("md.title")), body);
  const out = await load(body, () => api.get("/v1/admin/models"), () => renderModels(container));
  if (!out) return null;
  mount(body, (Array.isArray(out) ? out : out.items).map((m) => modelCard(m, charts)));
  return () => destroyAll(charts);
}

/** Numbers of a nested metrics object as [["auc.model", 0.83], ...] (lists left out). */
export function flatMetrics(obj, prefix = "") {
  return Object.entries(obj || {}).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number") return [[key, v]];
    if (v && typeof v === "object" && !Array.isArray(v)) return flatMetrics(v, key);
    return [];
  });
}

/** Share of members and observed rate in [lo, hi) from calibration bins [{n, predicted, observed}]. */
export function estimate(bins, lo, hi = Infinity) {
  const inside = bins.filter((b) => b.predicted >= lo && b.predicted < hi);
  const total = bins.reduce((s, b) => s + b.n, 0) || 1;
  const n = inside.reduce((s, b) => s + b.n, 0);
  return { share: n / total, rate: n ? inside.reduce((s, b) => s + b.n * b.observed, 0) / n : null };
}

function metricsTable(name, metrics) {
  const grid = (rows) => table([
    { title: t("md.metric"), cell: ([k]) => h("code", {}, k) },
    { title: t("md.value"), cell: ([, v]) => (Math.abs(v) < 10 ? v.toFixed(4) : String(v)), class: "num" },
  ], rows, { testid: `model-metrics-${name}` });
  if (metrics.length <= 14) return grid(metrics);
  return h("div", {}, grid(metrics.slice(0, 10)),
    h("details", {}, h("summary", {}, t("md.all_metrics", { n: metrics.length })), grid(metrics.slice(10))));
}

function modelCard(m, charts) {
  const metrics = flatMetrics(m.metrics).filter(([k]) => !k.startsWith("tiers_on_test"));
  const bins = Array.isArray(m.metrics?.calibration) ? m.metrics.calibration : [];
  const chartBox = h("div", {});
  const card = h("article", { class: "card model-card", "data-testid": `model-${m.name}` },
    h("h2", {}, label("model", m.name), " ", h("code", { class: "muted" }, m.name)),
    h("dl", { class: "facts" }, [[t("md.version"), m.version], [t("md.trained"), m.trained_at],
      [t("md.data"), m.data ? `${m.data.generator || ""} · seed ${m.data.seed ?? ""}` : null],
      [t("md.features", { n: m.feature_count ?? (m.feature_names || []).length }), m.feature_set || m.feature_hash]]
      .filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    h("div", { class: "cols" },
      h("div", {}, h("h3", {}, t("md.metrics")), metricsTable(m.name, metrics)),
      h("div", {}, bins.length ? [h("h3", {}, t("md.calibration")), chartBox] : null,
        inForce(m) ? thresholdsForm(m, bins, charts, chartBox) : null)));
  return card;
}

/** The thresholds in force: {medium, high}, or null for a model without tiers. */
export function inForce(m) {
  const th = m.thresholds || {};
  if (m.has_tiers === false) return null;
  if (th.in_force) return th.in_force;
  return typeof th.high === "number" ? th : null;
}

function thresholdsForm(m, bins, charts, chartBox) {
  const current = inForce(m);
  const input = (name) => h("input", { type: "number", name, step: "0.01", min: 0, max: 1, value: current[name],
    "data-testid": `threshold-${m.name}-${name}`, onInput: update });
  const medium = input("medium");
  const high = input("high");
  const note = h("p", { class: "hint", "data-testid": `threshold-estimate-${m.name}` });
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "thresholds", novalidate: true, onSubmit: save }, h("h3", {}, t("md.thresholds")), errors,
    h("div", { class: "inline" }, field(t("md.medium"), medium), field(t("md.high"), high),
      h("button", { type: "submit", class: "btn btn-primary", "data-testid": `threshold-save-${m.name}` }, t("md.save"))), note);
  let calib = null;

  function lines() {
    const v = (x) => [{ x, y: 0 }, { x, y: 1 }];
    return [
      { type: "line", label: t("md.observed"), data: bins.map((b) => ({ x: b.predicted, y: b.observed })), borderColor: PALETTE[0], backgroundColor: PALETTE[0] },
      { type: "line", label: t("md.ideal"), data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: "#bbb", borderDash: [4, 4], pointRadius: 0 },
      { type: "line", label: t("md.medium"), data: v(Number(medium.value)), borderColor: TIER_COLOURS.medium, pointRadius: 0 },
      { type: "line", label: t("md.high"), data: v(Number(high.value)), borderColor: TIER_COLOURS.high, pointRadius: 0 },
    ];
  }

  function update() {
    if (!bins.length) return;
    const hi = estimate(bins, Number(high.value));
    const mid = estimate(bins, Number(medium.value), Number(high.value));
    note.textContent = t("md.estimate", { high: pct(hi.share), high_rate: pct(hi.rate), medium: pct(mid.share), medium_rate: pct(mid.rate) });
    if (calib) {
      calib.data.datasets = lines();
      calib.update();
    }
  }

  async function save(event) {
    event.preventDefault();
    clearErrors(errors, form);
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        const out = await api.put(`/v1/admin/models/${m.name}/thresholds`, { medium: Number(medium.value), high: Number(high.value) });
        m.thresholds = out?.thresholds || { in_force: { medium: Number(medium.value), high: Number(high.value) } };
        toast(t("md.saved"), { kind: "ok" });
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }

  if (bins.length) {
    chart(chartBox, { type: "scatter", data: { datasets: lines() }, options: {
      scales: { x: { min: 0, max: 1, title: { display: true, text: t("md.predicted") } }, y: { min: 0, max: 1, title: { display: true, text: t("md.observed") } } },
    } }, { testid: `chart-calibration-${m.name}`, height: 240 }).then((c) => { calib = c; charts.push(c); });
  }
  update();
  return form;
}
