// One booking: status, time, station, the check-in pass (QR image of the signed token, from the API),
// cancel inside the window, history. While it waits for check-in, it looks for changes every few seconds.
import { pick, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { fmtDateTime, fmtTime } from "../../shared/dates.js";
import { badge } from "../../shared/widgets.js";

const POLL_MS = 6000;
const STATUS_KIND = { confirmed: "info", checked_in: "ok", cancelled: "muted", no_show: "warn", completed: "ok" };

export function passCard(pass) {
  const token = h("textarea", { class: "token", readonly: true, rows: "3", "data-testid": "pass-token",
    "aria-label": t("staff.token"), onFocus: (ev) => ev.target.select() }, pass.token);
  token.value = pass.token;
  return h("div", { class: "pass", "data-testid": "pass" },
    h("img", { src: pass.qr_svg_data_url, alt: t("booking.pass_alt"), class: "qr", width: "240", height: "240",
      "data-testid": "pass-qr" }),
    h("p", { class: "small" }, t("booking.pass_help")),
    token,
    h("p", { class: "muted small", "data-testid": "pass-expires" }, t("booking.pass_expires", { time: fmtDateTime(pass.expires_at) })));
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const id = params.id;
  const cancel = retrySafeAction();
  const head = h("div", {});
  const passBox = h("div", { class: "pass-box" });
  const errors = h("div", {});
  let booking = null;
  let timer = null;
  ctx.onLeave(() => clearInterval(timer));

  const stop = loading(root);
  try {
    booking = await api.get(`/v1/bookings/${encodeURIComponent(id)}`);
  } catch (err) {
    stop();
    showError(err, root, { onRetry: () => render(root, params, ctx) });
    return;
  }
  stop();
  mount(root, h("a", { href: "#/bookings", class: "back" }, "‹ ", t("nav.bookings")), h("h1", {}, t("booking.title")), errors, head, passBox);

  async function showPass(button) {
    const run = async () => {
      try {
        const pass = await api.get(`/v1/bookings/${encodeURIComponent(id)}/pass`);
        mount(passBox, section(t("booking.pass"), passCard(pass),
          h("button", { type: "button", class: "btn btn-ghost", "data-testid": "pass-refresh", onClick: (ev) => showPass(ev.currentTarget) },
            t("booking.refresh"))));
        passBox.querySelector("img").addEventListener("load", () => passBox.scrollIntoView({ block: "start", behavior: "smooth" }), { once: true });
      } catch (err) {
        showError(err, passBox, { onRetry: () => showPass() });
      }
    };
    return button ? busy(button, run) : run();
  }

  async function onCancel(button) {
    if (!window.confirm(t("booking.cancel_confirm"))) return;
    await busy(button, async () => {
      try {
        await cancel((key) => api.post(`/v1/bookings/${encodeURIComponent(id)}/cancel`, undefined, { idempotencyKey: key }));
        toast(t("booking.cancelled"), { kind: "ok" });
        await refresh();
      } catch (err) {
        showError(err, errors, { onRetry: () => onCancel(button) });
      }
    });
  }

  function draw() {
    const b = booking;
    const canCancel = b.status === "confirmed" && new Date(b.cancel_deadline_utc) > new Date();
    const cancelLine = b.status !== "confirmed" ? null
      : canCancel ? h("p", { class: "small muted" }, t("booking.cancel_until", { time: fmtDateTime(b.cancel_deadline) }))
        : h("p", { class: "small muted", "data-testid": "cancel-closed" }, t("booking.cancel_closed", { time: fmtDateTime(b.cancel_deadline) }));
    mount(head,
      h("div", { class: "card booking", "data-testid": "booking", "data-status": b.status, "data-booking-id": b.booking_id },
        h("div", { class: "row spread" },
          h("h2", {}, h("a", { href: `#/station/${encodeURIComponent(b.station_id)}` }, pick(b.station_name_zh, b.station_name_en))),
          badge(t(`booking.status.${b.status}`), STATUS_KIND[b.status] || "neutral", "booking-status")),
        h("p", { "data-testid": "booking-time" }, `${fmtDateTime(b.slot_start)}–${fmtTime(b.slot_end)}`),
        b.checked_in_at ? h("p", { class: "ok-text", "data-testid": "booking-checked-in" }, t("booking.checked_in_at", { time: fmtDateTime(b.checked_in_at) })) : null,
        cancelLine,
        h("div", { class: "row gap wrap" },
          b.status === "confirmed"
            ? h("button", { type: "button", class: "btn", "data-testid": "show-pass", onClick: (ev) => showPass(ev.currentTarget) }, t("booking.show_pass"))
            : null,
          canCancel
            ? h("button", { type: "button", class: "btn btn-secondary", "data-testid": "cancel-booking", onClick: (ev) => onCancel(ev.currentTarget) }, t("booking.cancel"))
            : null,
          h("button", { type: "button", class: "btn btn-ghost", "data-testid": "booking-refresh", onClick: (ev) => busy(ev.currentTarget, refresh) }, t("booking.refresh")))),
      section(t("booking.history"), h("ol", { class: "timeline" },
        b.history.map((e) => h("li", {}, h("strong", {}, t(`booking.status.${e.status}`)), " ", h("span", { class: "muted small" }, fmtDateTime(e.at)))))));
    if (b.status !== "confirmed") passBox.replaceChildren();
  }

  async function refresh() {
    try {
      booking = await api.get(`/v1/bookings/${encodeURIComponent(id)}`, { retries: 1 });
      errors.replaceChildren();
      draw();
    } catch (err) {
      showError(err, errors);
    }
  }

  draw();
  if (booking.status === "confirmed") {
    timer = setInterval(() => {
      if (document.visibilityState !== "visible") return;
      const before = booking.status;
      refresh().then(() => {
        if (booking.status !== before) clearInterval(timer);
      });
    }, POLL_MS);
  }
}
