/**
 * Scoring runs: start one (churn or service demand), watch its progress bar (the run is read every
 * second until it finishes), retry a run's failed segments, and browse the run history.
 */
import { t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, load, pageHeader, select, table } from "../core.js";
import { go, href } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";

export const RUN_MODELS = ["churn", "service_demand"];
const FINISHED = new Set(["succeeded", "partially_failed", "failed"]);
const POLL_MS = 1000;

export function runBadge(status) {
  const kind = { succeeded: "ok", partially_failed: "warn", failed: "danger", running: "info", queued: "muted" }[status] || "";
  return h("span", { class: `badge badge-${kind}`, "data-testid": "run-status", "data-status": status }, t(`run.${status}`));
}

function fraction(run) {
  return run.segments_total ? Math.min(1, (run.segments_done + (run.segments_failed || []).length) / run.segments_total) : 0;
}

export async function renderScoring(container, params, query) {
  const model = RUN_MODELS.includes(query.model) ? query.model : "churn";
  const runBox = h("div", { class: "card", "data-testid": "run-panel", hidden: !params.runId });
  const historyBox = h("div", { class: "card" });
  const state = { timer: null, stopped: false };
  mount(container, pageHeader(t("sr.title")), startForm(model), runBox, historyBox);
  if (params.runId) watch(runBox, params.runId, state, () => showHistory(historyBox, model));
  showHistory(historyBox, model);
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
  };
}

function startForm(model) {
  const modelSelect = select({ name: "model", "data-testid": "run-model" }, RUN_MODELS.map((m) => [m, t(`model.${m}`)]), model);
  const segments = h("input", { type: "number", name: "segments", min: 1, "data-testid": "run-segments" });
  const errors = h("div", { class: "errors" });
  const form = h("form", { class: "card inline-form", novalidate: true, onSubmit: start }, errors,
    field(t("sr.model"), modelSelect), field(t("sr.segments"), segments),
    h("button", { type: "submit", class: "btn btn-primary", "data-testid": "run-start" }, t("sr.start")));

  async function start(event) {
    event.preventDefault();
    clearErrors(errors, form);
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        const body = { model: modelSelect.value };
        if (segments.value !== "") body.segments = Number(segments.value);
        const run = await api.post("/v1/admin/scoring-runs", body);
        toast(t("sr.started"), { kind: "ok" });
        go(`/scoring/${run.run_id}`, { model: run.model });
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
  return form;
}

async function watch(box, runId, state, onFinished) {
  let run;
  try {
    run = await api.get(`/v1/admin/scoring-runs/${runId}`);
  } catch (err) {
    if (state.stopped) return;
    mount(box);
    showError(err, box, { onRetry: () => watch(box, runId, state, onFinished) });
    return;
  }
  if (state.stopped) return;
  drawRun(box, run, () => watch(box, runId, state, onFinished));
  patchHistoryRow(run);
  if (FINISHED.has(run.status)) onFinished();
  else state.timer = setTimeout(() => watch(box, runId, state, onFinished), POLL_MS);
}

function drawRun(box, run, rewatch) {
  const share = fraction(run);
  const errors = h("div", { class: "errors" });
  const failures = run.failures || [];
  mount(box, h("h2", {}, t("sr.current"), " ", h("code", {}, run.run_id), " ", runBadge(run.status)), errors,
    h("div", { class: `progress progress-${run.status}`, role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": String(Math.round(share * 100)), "data-testid": "run-progress", "data-status": run.status },
      h("div", { class: "progress-fill", style: { width: `${(share * 100).toFixed(1)}%` } })),
    h("p", { class: "muted", "data-testid": "run-progress-text" }, t("sr.progress_text",
      { done: run.segments_done, total: run.segments_total, members: run.members_scored ?? 0 }),
      ` · ${t(`model.${run.model}`)} · ${t("sr.version")} ${run.model_version || t("common.none")}`,
      run.duration_s !== null && run.duration_s !== undefined ? ` · ${run.duration_s.toFixed(1)} s` : ""),
    failures.length ? h("div", {}, h("h3", {}, t("sr.failures")), table([
      { title: t("sr.segment"), cell: (f) => f.segment, class: "num" }, { title: t("sr.error"), cell: (f) => f.error },
    ], failures, { testid: "run-failures" })) : null,
    h("div", { class: "inline" },
      FINISHED.has(run.status) && run.status !== "succeeded" ? h("button", { type: "button", class: "btn btn-secondary",
        "data-testid": "run-retry", onClick: (e) => busy(e.currentTarget, async () => {
          try {
            await api.post(`/v1/admin/scoring-runs/${run.run_id}/retry`);
            rewatch();
          } catch (err) {
            showError(err, errors);
          }
        }) }, t("sr.retry")) : null,
      FINISHED.has(run.status) ? h("a", { class: "btn btn-primary", href: href("/risk", { model: run.model }), "data-testid": "run-open-risk" },
        t("sr.open_risk")) : null));
  box.hidden = false;
}

function runColumns(model) {
  return [
    { title: t("sr.run"), cell: (r) => h("a", { href: href(`/scoring/${r.run_id}`, { model }) }, h("code", {}, r.run_id)) },
    { title: t("sr.status"), cell: (r) => runBadge(r.status) },
    { title: t("sr.progress"), cell: (r) => `${r.segments_done}/${r.segments_total}`, class: "num" },
    { title: t("sr.members"), cell: (r) => r.members_scored ?? 0, class: "num" },
    { title: t("sr.version"), cell: (r) => h("small", {}, r.model_version || "") },
    { title: t("sr.created"), cell: (r) => chinaDateTime(r.created_at) },
    { title: t("sr.duration"), cell: (r) => (r.duration_s === null || r.duration_s === undefined ? t("common.none") : `${r.duration_s.toFixed(1)} s`), class: "num" },
  ];
}

const runRowAttrs = (r) => ({ "data-testid": `run-row-${r.run_id}`, "data-status": r.status });

/** Bring the run's row in the history up to date with what the progress bar shows. */
function patchHistoryRow(run) {
  const row = document.querySelector(`[data-testid="run-row-${run.run_id}"]`);
  if (!row) return;
  row.replaceWith(h("tr", runRowAttrs(run), runColumns(run.model).map((c) => h("td", { class: c.class }, c.cell(run)))));
}

async function showHistory(box, model, cursor = null, rows = []) {
  const page = await load(box, () => api.get("/v1/admin/scoring-runs", { query: { model, limit: 20, cursor } }),
    () => showHistory(box, model, cursor, rows));
  if (!page) return;
  const all = [...rows, ...page.items];
  mount(box, h("h2", {}, t("sr.history")), h("div", { class: "tabs" }, RUN_MODELS.map((m) => h("a", { href: href("/scoring", { model: m }),
    class: m === model ? "active" : "", "data-testid": `runs-tab-${m}` }, t(`model.${m}`)))),
  table(runColumns(model), all, { testid: "runs-table", rowAttrs: runRowAttrs }),
  page.next_cursor ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "runs-more",
    onClick: () => showHistory(box, model, page.next_cursor, all) }, t("core.more")) : null);
}
