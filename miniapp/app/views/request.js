// One of my requests: the station handling it, status and SLA, the status timeline, what I sent, files (add missing ones),
// messages with staff, withdraw before it is resolved, and a rating once it is.
import { pick, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { uploadAll } from "./service_form.js";
import { answerWords } from "../../shared/schema_form.js";
import { badge } from "../../shared/widgets.js";
import { chinaTime } from "../../shared/dates.js";

const KIND = { submitted: "info", accepted: "info", in_progress: "info", resolved: "ok", rejected: "warn", withdrawn: "muted" };
const OPEN = new Set(["submitted", "accepted", "in_progress"]);

export function requestBadge(status) {
  return badge(t(`request.status.${status}`), KIND[status] || "neutral", "request-status");
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const id = params.id;
  const comment = retrySafeAction();
  let words = answerWords({});
  let uploads = [];
  const stop = loading(root);
  let req;
  try {
    req = await api.get(`/v1/requests/${encodeURIComponent(id)}`);
    try {
      const form = await api.get(`/v1/scenarios/${encodeURIComponent(req.scenario_key)}`);
      words = answerWords(form.answers_schema);
      uploads = form.uploads || [];
    } catch {
      // a retired scenario: show raw field names
    }
  } catch (err) {
    stop();
    showError(err, root, { onRetry: () => render(root, params, ctx) });
    return;
  }
  stop();
  const errors = h("div", {});
  const body = h("div", {});
  mount(root, h("a", { href: "#/services", class: "back" }, "‹ ", t("services.title")), errors, body);

  async function reload() {
    try {
      req = await api.get(`/v1/requests/${encodeURIComponent(id)}`, { retries: 1 });
      draw();
    } catch (err) {
      showError(err, errors);
    }
  }

  function run(button, fn) {
    return busy(button, async () => {
      try {
        await fn();
        errors.replaceChildren();
      } catch (err) {
        showError(err, errors);
        errors.scrollIntoView({ block: "start" });
      }
    });
  }

  function commentBox() {
    const text = h("textarea", { name: "text", rows: "3", maxlength: "2000", placeholder: t("request.comment_placeholder"),
      "aria-label": t("request.comments"), "data-testid": "comment-text" });
    const send = h("button", { type: "submit", class: "btn", "data-testid": "comment-send" }, t("request.send"));
    return h("form", { class: "comment-form", novalidate: true, onSubmit: (ev) => {
      ev.preventDefault();
      run(send, async () => {
        await comment((key) => api.post(`/v1/requests/${encodeURIComponent(id)}/comments`, { text: text.value.trim() }, { idempotencyKey: key }));
        await reload();
      });
    } }, text, send);
  }

  function ratingBox() {
    if (req.rating) return h("p", { "data-testid": "rating-done" }, t("request.your_rating", { n: req.rating.stars }), req.rating.text ? ` — ${req.rating.text}` : "");
    if (req.status !== "resolved") return null;
    let stars = 0;
    const starButtons = [1, 2, 3, 4, 5].map((n) => h("button", { type: "button", class: "star", "aria-label": t("request.stars", { n }),
      "aria-pressed": "false", "data-testid": `star-${n}`, onClick: () => {
        stars = n;
        starButtons.forEach((b, i) => b.setAttribute("aria-pressed", i < n ? "true" : "false"));
      } }, "★"));
    const text = h("input", { type: "text", maxlength: "500", "aria-label": t("request.rate_text"), placeholder: t("request.rate_text") });
    const send = h("button", { type: "button", class: "btn", "data-testid": "rating-send" }, t("common.submit"));
    send.addEventListener("click", () => run(send, async () => {
      req = await api.post(`/v1/requests/${encodeURIComponent(id)}/rating`, { stars, ...(text.value.trim() ? { text: text.value.trim() } : {}) });
      toast(t("request.rated"), { kind: "ok" });
      draw();
    }));
    return section(t("request.rate"), h("div", { class: "stars", role: "group" }, starButtons), text, send);
  }

  function missingBox() {
    if (!req.missing_uploads.length || !OPEN.has(req.status)) return null;
    const uploadLabel = (name) => {
      const upload = uploads.find((u) => u.name === name);
      return upload ? pick(upload.label_zh, upload.label_en) : name;
    };
    const names = req.missing_uploads.map(uploadLabel);
    const input = h("input", { type: "file", multiple: true, accept: "image/jpeg,image/png,application/pdf", "data-testid": "missing-upload",
      "aria-label": t("request.add_file") });
    const status = h("p", { class: "small muted", "aria-live": "polite" });
    const send = h("button", { type: "button", class: "btn btn-secondary" }, t("request.add_file"));
    send.addEventListener("click", () => run(send, async () => {
      await uploadAll(api, id, [...input.files].map((file) => ({ field: req.missing_uploads[0], file })), status);
      await reload();
    }));
    return h("div", { class: "notice" }, h("p", {}, t("request.missing", { fields: names.join("、") })), input, send, status);
  }

  function draw() {
    const withdraw = OPEN.has(req.status)
      ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "request-withdraw", onClick: (ev) => {
        if (!window.confirm(t("request.withdraw_confirm"))) return;
        run(ev.currentTarget, async () => {
          req = await api.post(`/v1/requests/${encodeURIComponent(id)}/withdraw`, {});
          draw();
        });
      } }, t("request.withdraw"))
      : null;
    mount(body,
      h("div", { class: "card", "data-testid": "request", "data-status": req.status },
        h("div", { class: "row spread" }, h("h1", {}, pick(req.title_zh, req.title_en)), requestBadge(req.status)),
        h("p", { class: "small muted" }, req.request_id, " · ", chinaTime(req.submitted_at)),
        h("p", { class: "small", "data-testid": "request-station" }, req.station
          ? t("request.handled_by", { station: pick(req.station.name_zh, req.station.name_en) }) : t("request.union_queue")),
        req.sla_due && OPEN.has(req.status) ? h("p", { class: "small" }, t("request.due", { time: chinaTime(req.sla_due) })) : null,
        req.overdue ? h("p", { class: "warn-text" }, t("request.overdue")) : null,
        withdraw),
      section(t("request.timeline"), h("ol", { class: "timeline", "data-testid": "request-timeline" }, req.history.map((e) => h("li", {},
        h("strong", {}, t(`request.status.${e.status}`)), " ", h("span", { class: "small muted" }, chinaTime(e.at), " · ", t(`request.event.${e.event}`)),
        e.moved_to ? h("p", { class: "small", "data-testid": "timeline-moved" }, t("request.moved_station", {
          from: e.moved_from ? pick(e.moved_from.name_zh, e.moved_from.name_en) : t("request.from_union"), to: pick(e.moved_to.name_zh, e.moved_to.name_en) })) : null,
        e.note ? h("p", { class: "small" }, e.note) : null)))),
      section(t("request.answers"), h("dl", { class: "answers" }, Object.entries(req.answers).map(([k, v]) => [h("dt", {}, words.labels[k] || k), h("dd", {}, words.text(k, v))]))),
      section(t("request.attachments"),
        req.attachments.length ? h("ul", { class: "plain" }, req.attachments.map((a) => h("li", { "data-testid": "attachment" },
          a.download_url ? h("a", { href: a.download_url, target: "_blank", rel: "noopener" }, a.filename) : a.filename,
          h("span", { class: "small muted" }, ` (${Math.ceil(a.size / 1024)} KB)`)))) : h("p", { class: "muted small" }, t("common.empty")),
        missingBox()),
      section(t("request.comments"),
        (req.comments || []).length ? h("ul", { class: "comments", "data-testid": "comments" }, req.comments.map((c) => h("li", { class: `comment from-${c.author}` },
          h("span", { class: "small muted" }, t(`request.author.${c.author}`), " · ", chinaTime(c.at)), h("p", {}, c.text))))
          : h("p", { class: "muted small" }, t("request.no_comments")),
        OPEN.has(req.status) || req.status === "resolved" ? commentBox() : null),
      ratingBox());
  }

  draw();
}
