// My bookings (upcoming / past) and my waitlist entries: confirm an offered seat, or leave the line.
import { pick, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { fmtDateTime } from "../../shared/dates.js";
import { badge } from "../../shared/widgets.js";

const STATUS_KIND = { confirmed: "info", checked_in: "ok", cancelled: "muted", no_show: "warn" };

function bookingRow(b) {
  return h("li", {}, h("a", { href: `#/booking/${encodeURIComponent(b.booking_id)}`, class: "card list-link",
    "data-testid": "booking-item", "data-status": b.status },
  h("div", { class: "row spread" }, h("strong", {}, pick(b.station_name_zh, b.station_name_en)),
    badge(t(`booking.status.${b.status}`), STATUS_KIND[b.status] || "neutral")),
  h("p", { class: "small muted" }, fmtDateTime(b.slot_start))));
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const which = ctx.query.status === "past" ? "past" : "upcoming";
  const listBox = h("div", { "data-testid": "bookings" });
  const waitBox = h("div", { "data-testid": "waitlist" });
  mount(root,
    h("h1", {}, t("nav.bookings")),
    h("div", { class: "segmented", role: "tablist" },
      ["upcoming", "past"].map((s) => h("a", { href: `#/bookings?status=${s}`, role: "tab", "aria-selected": s === which ? "true" : "false",
        class: s === which ? "active" : "" }, t(`bookings.${s}`)))),
    waitBox, listBox);

  async function loadBookings() {
    listBox.replaceChildren();
    const stop = loading(listBox);
    try {
      const rows = await api.get("/v1/me/bookings", { query: { status: which } });
      stop();
      mount(listBox, rows.length ? h("ul", { class: "plain" }, rows.map(bookingRow))
        : h("p", { class: "empty" }, t("bookings.none"), " ", h("a", { href: "#/" }, t("nav.home"))));
    } catch (err) {
      stop();
      showError(err, listBox, { onRetry: loadBookings });
    }
  }

  async function act(entry, verb, button) {
    const action = entry.actions[verb];
    await busy(button, async () => {
      try {
        const out = await action((key) => api.post(`/v1/waitlist/${encodeURIComponent(entry.entry_id)}/${verb}`, undefined, { idempotencyKey: key }));
        if (verb === "confirm") {
          toast(t("waitlist.confirmed"), { kind: "ok" });
          if (out && out.booking_id) return ctx.go(`/booking/${encodeURIComponent(out.booking_id)}`);
        }
        loadWaitlist();
        loadBookings();
      } catch (err) {
        showError(err, waitBox, { onRetry: () => act(entry, verb, button) });
      }
    });
  }

  async function loadWaitlist() {
    let entries;
    try {
      entries = (await api.get("/v1/me/waitlist")).filter((e) => ["waiting", "offered"].includes(e.status));
    } catch (err) {
      showError(err, waitBox, { onRetry: loadWaitlist });
      return;
    }
    if (!entries.length) return waitBox.replaceChildren();
    // A waitlist entry names its station by id only: fetch the names (a handful at most).
    const ids = [...new Set(entries.map((e) => e.station_id))];
    const names = Object.fromEntries(await Promise.all(ids.map(async (sid) => {
      try {
        const s = await api.get(`/v1/stations/${encodeURIComponent(sid)}`);
        return [sid, pick(s.name_zh, s.name_en)];
      } catch {
        return [sid, sid];
      }
    })));
    mount(waitBox, section(t("bookings.waitlist"), h("ul", { class: "plain" }, entries.map((e) => {
      e.actions = { confirm: retrySafeAction(), leave: retrySafeAction() };
      const offered = e.status === "offered";
      return h("li", { class: `card waitlist-item${offered ? " offered" : ""}`, "data-testid": "waitlist-item", "data-status": e.status },
        h("div", { class: "row spread" }, h("strong", {}, names[e.station_id]), h("span", { class: "small" }, fmtDateTime(e.slot_start))),
        h("p", { class: "small" }, offered ? t("waitlist.status.offered", { time: fmtDateTime(e.hold_until) })
          : t("waitlist.status.waiting", { n: e.position ?? "?" })),
        h("div", { class: "row gap" },
          offered ? h("button", { type: "button", class: "btn", "data-testid": "waitlist-confirm",
            onClick: (ev) => act(e, "confirm", ev.currentTarget) }, t("waitlist.confirm")) : null,
          h("button", { type: "button", class: "btn btn-ghost", "data-testid": "waitlist-leave",
            onClick: (ev) => act(e, "leave", ev.currentTarget) }, t("waitlist.leave"))));
    }))));
  }

  loadWaitlist();
  loadBookings();
}
