// Joining the union: apply (employer's union or the city's regional pool, with consent to the terms),
// follow the application, and once a member show the e-card (a QR code of a short-lived signed token).
import { pick, t } from "../../shared/i18n.js";
import { busy, clearErrors, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { fmtDate } from "../../shared/dates.js";
import { choices, loadVocabulary, nameOf } from "../../shared/vocabulary.js";
import { badge, field } from "../../shared/widgets.js";

// The membership terms' current version. The API checks it but does not publish it yet (see the report):
// keep in step with chalicelib/domain/membership.py TERMS_VERSION.
export const TERMS_VERSION = "2026-01";

function applyForm(ctx, me, done) {
  const { api } = ctx;
  const submit = retrySafeAction();
  const errors = h("div", {});
  const kindEmployer = h("input", { type: "radio", name: "kind", value: "employer_union", id: "kind-employer", "data-testid": "union-employer", checked: Boolean(me && me.employer) });
  const kindPool = h("input", { type: "radio", name: "kind", value: "regional_pool", id: "kind-pool", "data-testid": "union-pool", checked: !(me && me.employer) });
  const city = h("select", { name: "city", "data-testid": "union-city" }, choices("cities").map(([code, name]) => h("option", { value: code, selected: me && me.city === code }, name)));
  const employer = h("select", { name: "employer_id", "data-testid": "union-employer-id" });
  const consent = h("input", { type: "checkbox", name: "consent", id: "consent", "data-testid": "union-consent" });
  const button = h("button", { type: "submit", class: "btn btn-block", "data-testid": "membership-apply" }, t("membership.apply"));
  const employerField = field(t("membership.employer"), employer);

  async function loadEmployers() {
    try {
      const rows = await api.get("/v1/employers", { query: { city: city.value } });
      mount(employer, rows.map((e) => h("option", { value: e.employer_id, selected: me && me.employer && me.employer.employer_id === e.employer_id }, pick(e.name_zh, e.name_en))));
    } catch (err) {
      showError(err, errors);
    }
  }
  function sync() {
    employerField.hidden = !kindEmployer.checked;
  }
  city.addEventListener("change", loadEmployers);
  kindEmployer.addEventListener("change", sync);
  kindPool.addEventListener("change", sync);

  const form = h("form", { class: "card", novalidate: true, "data-testid": "membership-form" },
    h("p", {}, t("membership.intro")),
    errors,
    h("fieldset", { "data-field": "union" }, h("legend", {}, t("membership.union")),
      h("div", { class: "radio" }, kindEmployer, h("label", { for: "kind-employer" }, t("membership.employer_union"))),
      h("div", { class: "radio" }, kindPool, h("label", { for: "kind-pool" }, t("membership.regional_pool")))),
    field(t("membership.city"), city),
    employerField,
    h("div", { class: "check field", "data-field": "consent" }, consent, h("label", { for: "consent" }, t("membership.consent", { version: TERMS_VERSION }))),
    button);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(button, async () => {
      clearErrors(errors, form);
      const union = kindEmployer.checked ? { kind: "employer_union", employer_id: employer.value || null } : { kind: "regional_pool", city: city.value };
      try {
        await submit((key) => api.post("/v1/membership/applications",
          { union, consent: { policy_version: TERMS_VERSION, accepted: consent.checked } }, { idempotencyKey: key }));
        toast(t("membership.submitted"), { kind: "ok" });
        done();
      } catch (err) {
        showError(err, errors, { form, labels: { union: t("membership.union"), consent: t("membership.consent_short") } });
      }
    });
  });
  sync();
  loadEmployers();
  return form;
}

function memberCard(m, ctx, done) {
  const { api } = ctx;
  const card = m.card;
  const renew = h("button", { type: "button", class: "btn btn-secondary", "data-testid": "membership-renew" }, t("membership.renew"));
  const leave = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "membership-leave" }, t("membership.leave"));
  const errors = h("div", {});
  renew.addEventListener("click", () => busy(renew, async () => {
    try {
      await api.post("/v1/me/membership/renew");
      toast(t("membership.renewed"), { kind: "ok" });
      done();
    } catch (err) {
      showError(err, errors);
    }
  }));
  leave.addEventListener("click", () => {
    if (!window.confirm(t("membership.leave_confirm"))) return;
    busy(leave, async () => {
      try {
        await api.post("/v1/me/membership/leave");
        done();
      } catch (err) {
        showError(err, errors);
      }
    });
  });
  return h("div", {},
    h("div", { class: "member-card", "data-testid": "member-card", "data-status": m.status },
      h("div", { class: "row spread" }, h("strong", {}, t("membership.card")), badge(t(`membership.status.${m.status}`), m.status === "active" ? "ok" : "warn", "membership-status")),
      h("p", { class: "member-number", "data-testid": "member-number" }, m.member_number),
      h("p", { class: "small" }, pick(m.employer_name_zh, m.employer_name_en) || nameOf("cities", m.city)),
      card ? h("img", { src: card.qr_svg_data_url, alt: t("membership.card_alt"), class: "qr", width: "200", height: "200", "data-testid": "member-card-qr" }) : null,
      h("p", { class: "small" }, t("membership.card_help")),
      h("dl", { class: "answers small" },
        h("dt", {}, t("membership.since")), h("dd", {}, m.since ? fmtDate(m.since, { year: true }) : "—"),
        h("dt", {}, t("membership.renewal_due")), h("dd", {}, m.renewal_due ? fmtDate(m.renewal_due, { year: true }) : "—"))),
    errors,
    h("div", { class: "row gap wrap" }, renew, leave));
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const stop = loading(root);
  let m;
  let me = null;
  try {
    [m, me] = await Promise.all([api.get("/v1/me/membership"), api.get("/v1/me").catch(() => null), loadVocabulary(api)]);
  } catch (err) {
    stop();
    showError(err, root, { onRetry: () => render(root, params, ctx) });
    return;
  }
  stop();
  const again = () => render(root, params, ctx);
  const title = h("h1", {}, t("membership.title"));
  if (m.status === "active" || m.status === "grace") return mount(root, title, memberCard(m, ctx, again));
  const app = m.open_application;
  if (app && app.status === "pending") {
    const errors = h("div", {});
    const withdraw = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "membership-withdraw" }, t("membership.withdraw"));
    withdraw.addEventListener("click", () => busy(withdraw, async () => {
      try {
        await api.post(`/v1/membership/applications/${encodeURIComponent(app.application_id)}/withdraw`);
        again();
      } catch (err) {
        showError(err, errors);
      }
    }));
    return mount(root, title, section(null,
      h("p", { "data-testid": "membership-pending" }, badge(t("membership.pending"), "info")),
      h("p", { class: "small" }, pick(app.employer_name_zh, app.employer_name_en) || nameOf("cities", app.city)),
      h("p", { class: "small muted" }, t("membership.due", { date: fmtDate(app.due_date) })),
      errors, withdraw));
  }
  mount(root, title,
    m.status ? h("p", {}, badge(t(`membership.status.${m.status}`), "muted", "membership-status")) : null,
    applyForm(ctx, me, again));
}
