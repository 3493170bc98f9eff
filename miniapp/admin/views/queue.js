/**
 * The staff request queue: open requests ordered by the due time of their current stage, overdue
 * ones highlighted; a request's answers, history and comments beside it, with the moves its status
 * allows (accept, start, resolve, reject with a reason) and a comment box. Every request names the
 * station that handles it; admins hand an open one to another station, with a reason.
 */
import { pick, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, isAdmin, label, load, pageHeader, select, table } from "../core.js";
import { go, href } from "/shared/router.js";
import { answerWords } from "/shared/schema_form.js";
import { badge, field } from "/shared/widgets.js";
import { chinaDateTime } from "/shared/dates.js";
import { newIdempotencyKey } from "/shared/api.js";

const MOVES = { submitted: ["accepted", "rejected"], accepted: ["in_progress", "rejected"], in_progress: ["resolved", "rejected"] };

export async function renderQueue(container, params, query) {
  const filters = { status: query.status || "", overdue: query.overdue === "true" ? "true" : "" };
  const listBox = h("div", { class: "card" });
  const detailBox = h("div", { class: "card detail", "data-testid": "request-detail" });
  const refilter = (change) => go(params.id ? `/queue/${params.id}` : "/queue", { ...filters, ...change });
  mount(container, pageHeader(t("q.title"),
    field(t("q.status"), select({ "data-testid": "queue-status", onChange: (e) => refilter({ status: e.target.value }) },
      [["", t("core.all")], ...Object.keys(MOVES).map((s) => [s, label("rs", s)])], filters.status)),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: filters.overdue === "true", "data-testid": "queue-overdue",
      onChange: (e) => refilter({ overdue: e.target.checked ? "true" : "" }) }), t("q.overdue_only")),
    h("button", { type: "button", class: "btn btn-ghost", "data-testid": "queue-refresh",
      onClick: () => renderQueue(container, params, query) }, t("core.refresh"))),
  h("div", { class: "cols cols-split" }, listBox, detailBox));
  const list = await load(listBox, () => api.get("/v1/staff/requests", { query: { status: filters.status, overdue: filters.overdue } }),
    () => renderQueue(container, params, query));
  if (list) {
    mount(listBox, h("p", { class: "muted", "data-testid": "queue-count" }, t("q.count", { n: list.length })), table([
      { title: t("q.request"), cell: (r) => h("a", { href: href(`/queue/${r.request_id}`, filters) }, pick(r.title_zh, r.title_en)) },
      { title: t("q.status"), cell: (r) => statusBadge(r.status) },
      { title: t("q.station"), cell: (r) => h("span", { "data-testid": "queue-station" }, stationName(r.station)) },
      { title: t("q.submitted"), cell: (r) => chinaDateTime(r.submitted_at) },
      { title: t("q.due"), cell: (r) => h("span", {}, chinaDateTime(r.sla_due), " ", r.overdue ? badge(t("q.overdue"), "danger") : null,
        r.escalations ? h("small", { class: "muted" }, ` ${t("q.escalated", { n: r.escalations })}`) : null) },
    ], list, { testid: "queue-table", rowAttrs: (r) => ({ "data-testid": `queue-row-${r.request_id}`, "data-status": r.status,
      "data-overdue": String(r.overdue), class: [r.overdue ? "overdue" : "", r.request_id === params.id ? "selected" : ""].join(" ") }) }));
  }
  if (params.id) await showRequest(detailBox, params.id, () => renderQueue(container, params, query));
  else mount(detailBox, h("p", { class: "empty" }, t("q.pick")));
}

export function statusBadge(status) {
  const kind = { resolved: "ok", rejected: "muted", withdrawn: "muted", in_progress: "info", accepted: "info" }[status] || "warn";
  return h("span", { class: `badge badge-${kind}`, "data-testid": "status", "data-status": status }, label("rs", status));
}

/** A handling station by its name, or the union-wide queue when the request is not routed yet. */
export function stationName(station) {
  return station ? pick(station.name_zh, station.name_en) : t("q.union_queue");
}

function historyLine(e) {
  const moved = e.event === "reassigned" && e.moved_to
    ? h("div", { "data-testid": "history-moved" }, t("q.moved_station", { from: stationName(e.moved_from), to: stationName(e.moved_to) }))
    : null;
  return h("li", {}, h("strong", {}, label("rs", e.status)), ` · ${chinaDateTime(e.at)} · ${e.by}`, moved,
    e.note ? h("div", { class: "muted" }, e.note) : null);
}

/** Admins: hand an open request to another active station, saying why (the worker reads the reason). */
async function reassignForm(r, errors, reload) {
  const geo = await api.get("/v1/admin/stations/export", { query: { format: "geojson" } });
  const others = geo.features.filter((f) => f.properties.active !== false && f.id !== r.station?.station_id);
  const to = h("select", { name: "station_id", "data-testid": "reassign-station" },
    others.map((f) => h("option", { value: f.id }, `${pick(f.properties.name_zh, f.properties.name_en)} (${f.properties.code})`)));
  const reason = h("textarea", { name: "reason", rows: 2, maxlength: 500, "data-testid": "reassign-reason", placeholder: t("q.reassign_reason") });
  const send = h("button", { type: "submit", class: "btn btn-secondary", "data-testid": "reassign-send" }, t("q.reassign_send"));
  const form = h("form", { class: "reassign", novalidate: true, "data-testid": "reassign-form" },
    h("h3", {}, t("q.reassign")), field(t("q.reassign_to"), to), field(t("q.reassign_reason"), reason), send);
  const key = newIdempotencyKey(); // a retry after a lost answer hands over once
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(errors, form);
    busy(send, async () => {
      try {
        const out = await api.post(`/v1/staff/requests/${r.request_id}/reassign`, { station_id: to.value, reason: reason.value.trim() },
          { idempotencyKey: key });
        toast(t("q.reassigned", { station: stationName(out.station) }), { kind: "ok" });
        await reload();
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  });
  return form;
}

const labelCache = new Map();

/** Field labels of a scenario ({name: label}) from its definition (admins) or its form (staff); {} if neither. */
async function fieldLabels(key) {
  if (!labelCache.has(key)) {
    labelCache.set(key, (async () => {
      try {
        if (isAdmin()) {
          const s = await api.get(`/v1/admin/scenarios/${key}`);
          return Object.fromEntries(s.fields.map((f) => [f.name, pick(f.label_zh, f.label_en)]));
        }
        const form = await api.get(`/v1/scenarios/${key}`);
        return answerWords(form.answers_schema).labels;
      } catch {
        return {};
      }
    })());
  }
  return labelCache.get(key);
}

function answerText(value) {
  if (value === null || value === undefined) return t("common.none");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

async function showRequest(box, id, reload) {
  const r = await load(box, () => api.get(`/v1/requests/${id}`), () => showRequest(box, id, reload));
  if (!r) return;
  const labels = await fieldLabels(r.scenario_key);
  const errors = h("div", { class: "errors" });
  const note = h("textarea", { name: "note", rows: 2, "data-testid": "move-note", placeholder: t("q.note") });
  const moveForm = h("form", { class: "moves", novalidate: true, onSubmit: (e) => e.preventDefault() }, note,
    h("div", { class: "inline" }, (MOVES[r.status] || []).map((to) => h("button", { type: "button",
      class: to === "rejected" ? "btn btn-secondary" : "btn btn-primary", "data-testid": `move-${to}`,
      onClick: (e) => move(e.currentTarget, to) }, t(`mv.${to}`)))));
  const comment = h("textarea", { name: "text", rows: 2, "data-testid": "comment-text", placeholder: t("q.comment") });
  const commentForm = h("form", { class: "comment-form", novalidate: true, onSubmit: send }, comment,
    h("button", { type: "submit", class: "btn btn-secondary", "data-testid": "comment-send" }, t("q.send")));
  mount(box,
    h("h2", {}, pick(r.title_zh, r.title_en), " ", statusBadge(r.status)),
    h("p", { class: "muted" }, h("code", {}, r.request_id), ` · v${r.scenario_version} · ${chinaDateTime(r.submitted_at)}`,
      r.sla_due ? ` · ${t("q.due")} ${chinaDateTime(r.sla_due)}` : "", " ", r.overdue ? badge(t("q.overdue"), "danger") : null),
    h("p", { "data-testid": "request-station" }, h("strong", {}, t("q.station")), " ", stationName(r.station)),
    errors, MOVES[r.status] ? moveForm : null,
    h("h3", {}, t("q.answers")),
    h("dl", { class: "answers", "data-testid": "request-answers" }, Object.entries(r.answers || {}).map(([k, v]) => [h("dt", { title: k }, labels[k] || k), h("dd", {}, answerText(v))])),
    h("h3", {}, t("q.attachments")),
    r.attachments.length ? h("ul", {}, r.attachments.map((a) => h("li", {}, a.download_url ? h("a", { href: a.download_url, target: "_blank" }, a.filename) : a.filename)))
      : h("p", { class: "muted" }, t("q.none")),
    h("h3", {}, t("q.history")),
    h("ol", { class: "timeline", "data-testid": "request-history" }, r.history.map(historyLine)),
    h("h3", {}, t("q.comments")),
    h("ul", { class: "comments", "data-testid": "request-comments" }, (r.comments || []).map((c) => h("li", { class: `comment-${c.author}` },
      h("small", { class: "muted" }, `${c.author} · ${chinaDateTime(c.at)}`), h("div", {}, c.text)))),
    commentForm,
    isAdmin() && MOVES[r.status] ? await reassignForm(r, errors, reload) : null);

  async function move(button, to) {
    clearErrors(errors, moveForm);
    await busy(button, async () => {
      try {
        const out = await api.post(`/v1/staff/requests/${r.request_id}/transition`, { to, note: note.value.trim() || null });
        toast(t("q.moved", { status: label("rs", out.status) }), { kind: "ok" });
        await reload();
      } catch (err) {
        showError(err, errors, { form: moveForm });
      }
    });
  }

  async function send(event) {
    event.preventDefault();
    clearErrors(errors, commentForm);
    await busy(commentForm.querySelector("[type=submit]"), async () => {
      try {
        await api.post(`/v1/requests/${r.request_id}/comments`, { text: comment.value.trim() });
        await showRequest(box, id, reload);
      } catch (err) {
        showError(err, errors, { form: commentForm });
      }
    });
  }
}
