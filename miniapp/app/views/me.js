// "For you": profile, recommendations with their why, my insights (PIPL art. 24), the privacy switch
// (profiling on/off), download my data (PIPL art. 45), language, staff desk, log out, and erasing the
// account (PIPL art. 47): a confirmation that says what will happen, then the receipt, signed out.
import { getLang, setLang, t } from "../../shared/i18n.js";
import { busy, h, loading, mount, showError, toast } from "../../shared/ui.js";
import { retrySafeAction, section } from "../util.js";
import { badge } from "../../shared/widgets.js";

function recommendations(rec) {
  const services = (rec.services || []).map((s) => h("li", { "data-testid": "rec-service" },
    h("a", { href: `#/services/${encodeURIComponent(s.key)}`, class: "list-link" }, h("strong", {}, s.title),
      s.why ? h("p", { class: "small muted why" }, t("me.why", { why: s.why })) : null)));
  const stations = (rec.stations || []).map((s) => h("li", { "data-testid": "rec-station" },
    h("a", { href: `#/station/${encodeURIComponent(s.station_id)}`, class: "list-link" }, h("strong", {}, s.name),
      s.why ? h("p", { class: "small muted why" }, t("me.why", { why: s.why })) : null)));
  return h("div", { "data-testid": "recommendations" },
    rec.personalised === false ? h("p", { class: "small muted" }, t("me.rec_off")) : null,
    services.length ? h("ul", { class: "plain" }, services) : null,
    stations.length ? h("ul", { class: "plain" }, stations) : null);
}

function insights(ins) {
  const e = ins.engagement;
  return h("div", { "data-testid": "insights" },
    h("p", { class: "small muted" }, t("me.insights_help")),
    ins.summary ? h("p", { "data-testid": "insights-summary" }, ins.summary) : null,
    e ? h("div", {},
      h("p", {}, h("strong", {}, t("me.engagement", { tier: t(`me.tier.${e.tier}`), p: Math.round(e.probability * 100) }))),
      h("ul", { class: "reasons" }, (e.reasons || []).map((r) => h("li", {}, r.text, r.action ? h("span", { class: "muted" }, ` — ${r.action}`) : null)))) : null,
    (ins.likely_needs || []).length ? h("div", {},
      h("p", {}, h("strong", {}, t("me.needs"))),
      h("ul", { class: "reasons" }, ins.likely_needs.map((n) => h("li", {}, `${n.name} (${Math.round(n.probability * 100)}%)`,
        (n.reasons || []).length ? h("span", { class: "muted small" }, ` — ${n.reasons.map((r) => r.text).join("；")}`) : null)))) : null,
    ins.how_to_opt_out ? h("p", { class: "small muted" }, ins.how_to_opt_out) : null);
}

// Download my data: the API packs everything into a zip and answers a link that works for 15 minutes;
// the download starts at once, and the link stays on screen in case the phone did not start it.
function myData(api) {
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "btn btn-secondary btn-block", "data-testid": "export-data" },
    t("me.export_button"));
  button.addEventListener("click", () => busy(button, async () => {
    result.replaceChildren();
    try {
      const done = await api.get("/v1/me/export");
      const until = new Date(done.expires_at).toLocaleTimeString(getLang(), { hour: "2-digit", minute: "2-digit" });
      const link = h("a", { href: done.url, download: "workerhome-my-data.zip", rel: "noopener", "data-testid": "export-link" },
        t("me.export_link"));
      mount(result, h("p", { class: "small", "data-testid": "export-ready" }, t("me.export_ready", { time: until })), link);
      link.click();
    } catch (err) {
      showError(err, result);
    }
  }));
  return section(t("me.export"), h("p", { class: "small muted", "data-testid": "export-help" }, t("me.export_help")),
    button, result);
}

function receiptView(r) {
  const en = getLang() === "en";
  const erased = (r.erased || []).map((k) => h("li", { "data-testid": "erased-kind", "data-kind": k.kind },
    en ? k.label_en : k.label_zh, k.kind === "profile" ? null : h("span", { class: "muted" }, t("erase.count", { n: k.count }))));
  const kept = (r.kept || []).map((k) => h("li", { "data-testid": "kept-kind", "data-kind": k.kind },
    h("strong", {}, en ? k.label_en : k.label_zh), h("p", { class: "small muted" }, en ? k.why_en : k.why_zh)));
  return h("div", { "data-testid": "erase-receipt", role: "status" },
    h("p", {}, h("strong", {}, en ? r.summary_en : r.summary_zh)),
    h("h3", {}, t("erase.erased")), h("ul", { class: "reasons" }, erased),
    kept.length ? h("h3", {}, t("erase.kept")) : null, kept.length ? h("ul", { class: "plain" }, kept) : null,
    h("p", { class: "small muted" }, t("erase.signed_out")));
}

function erasure(ctx, root) {
  const box = h("div", {});
  const errors = h("div", {});
  const once = retrySafeAction();
  const start = h("button", { type: "button", class: "btn btn-ghost btn-block", "data-testid": "erase-start" }, t("erase.start"));
  const confirm = h("button", { type: "button", class: "btn btn-block", "data-testid": "erase-confirm" }, t("erase.confirm"));
  const cancel = h("button", { type: "button", class: "btn btn-ghost btn-block", "data-testid": "erase-cancel" }, t("erase.cancel"));
  const ask = h("div", { "data-testid": "erase-ask", hidden: true },
    h("p", {}, h("strong", {}, t("erase.ask_title"))),
    h("ul", { class: "reasons" }, ["bookings", "requests", "membership", "hold", "final"].map((k) => h("li", {}, t(`erase.will.${k}`)))),
    confirm, cancel, errors);
  start.addEventListener("click", () => { ask.hidden = false; start.hidden = true; confirm.focus(); });
  cancel.addEventListener("click", () => { ask.hidden = true; start.hidden = false; errors.replaceChildren(); });
  confirm.addEventListener("click", () => busy(confirm, async () => {
    try {
      const receipt = await once((key) => ctx.api.del("/v1/me", { idempotencyKey: key }));
      await ctx.api.logout();
      const home = h("a", { href: "#/login", class: "btn btn-secondary btn-block", "data-testid": "erase-done" }, t("erase.done"));
      mount(root, h("h1", {}, t("erase.title")), section(null, receiptView(receipt), home));
      window.scrollTo(0, 0);
    } catch (err) {
      showError(err, errors);
    }
  }));
  mount(box, h("p", { class: "small muted" }, t("erase.help")), start, ask);
  return section(t("erase.title"), box);
}

export async function render(root, params, ctx) {
  const { api } = ctx;
  const profileBox = h("div", {});
  const recBox = h("div", {});
  const insBox = h("div", {});
  const privacy = h("input", { type: "checkbox", role: "switch", id: "privacy", "data-testid": "privacy-switch", disabled: true });
  const privacyState = h("span", { class: "small muted", "data-testid": "privacy-state", "aria-live": "polite" });
  const privacyErrors = h("div", {});
  const langSelect = h("select", { id: "lang", "data-testid": "lang-select" },
    h("option", { value: "zh-CN", selected: getLang() === "zh-CN" }, "中文"),
    h("option", { value: "en", selected: getLang() === "en" }, "English"));
  langSelect.addEventListener("change", () => setLang(langSelect.value));
  const logout = h("button", { type: "button", class: "btn btn-ghost btn-block", "data-testid": "logout" }, t("me.logout"));
  logout.addEventListener("click", () => busy(logout, async () => {
    await api.logout();
    toast(t("login.out"));
    ctx.go("/login");
  }));

  mount(root, h("h1", {}, t("me.title")),
    profileBox,
    section(t("me.recommendations"), recBox),
    section(t("me.insights"), insBox),
    section(t("me.privacy"),
      h("div", { class: "switch-row" }, h("label", { for: "privacy" }, t("me.privacy")), privacy),
      privacyState, h("p", { class: "small muted" }, t("me.privacy_help")), privacyErrors),
    myData(api),
    section(t("me.language"), langSelect),
    ctx.isStaff() ? h("a", { href: "#/staff", class: "btn btn-secondary btn-block", "data-testid": "staff-mode" }, t("me.staff_mode")) : null,
    logout,
    erasure(ctx, root));

  async function loadProfile() {
    try {
      const me = await api.get("/v1/me");
      mount(profileBox, section(t("me.profile"), h("p", { "data-testid": "profile" }, h("strong", {}, me.name || me.phone), " · ", me.phone),
        h("p", {}, (me.roles || []).map((r) => badge(r, "neutral")))));
    } catch (err) {
      showError(err, profileBox, { onRetry: loadProfile });
    }
  }

  async function loadScores() {
    recBox.replaceChildren();
    insBox.replaceChildren();
    const stopR = loading(recBox);
    const stopI = loading(insBox);
    const [rec, ins] = await Promise.allSettled([api.get("/v1/me/recommendations"), api.get("/v1/me/insights")]);
    stopR();
    stopI();
    if (rec.status === "fulfilled") mount(recBox, recommendations(rec.value));
    else showError(rec.reason, recBox, { onRetry: loadScores });
    if (ins.status === "fulfilled") mount(insBox, insights(ins.value));
    else showError(ins.reason, insBox, { onRetry: loadScores });
  }

  function showPrivacy(on) {
    privacy.checked = on;
    privacy.setAttribute("aria-checked", on ? "true" : "false");
    privacyState.textContent = on ? t("me.privacy_on") : t("me.privacy_off");
  }

  async function loadPrivacy() {
    try {
      const p = await api.get("/v1/me/privacy");
      showPrivacy(Boolean(p.profiling));
      privacy.disabled = false;
    } catch (err) {
      showError(err, privacyErrors, { onRetry: loadPrivacy });
    }
  }

  privacy.addEventListener("change", async () => {
    const wanted = privacy.checked;
    privacy.disabled = true;
    try {
      const p = await api.put("/v1/me/privacy", { profiling: wanted });
      showPrivacy(Boolean(p && "profiling" in p ? p.profiling : wanted));
      privacyErrors.replaceChildren();
      loadScores();
    } catch (err) {
      showPrivacy(!wanted);
      showError(err, privacyErrors);
    } finally {
      privacy.disabled = false;
    }
  });

  loadProfile();
  loadPrivacy();
  loadScores();
}
