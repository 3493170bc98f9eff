// Log in with phone + one-time code. In the local stack the code can be read from the dev SMS outbox
// (GET /v1/dev/outbox, a route that exists only in the local stage).
import { t } from "../../shared/i18n.js";
import { busy, h, mount, showError, toast } from "../../shared/ui.js";
import { field } from "../../shared/widgets.js";

const RESEND_SECONDS = 60;

export async function render(root, params, ctx) {
  const { api } = ctx;
  const phone = h("input", { type: "tel", name: "phone", inputmode: "numeric", autocomplete: "tel", maxlength: "20",
    placeholder: "138 0000 0000", "data-testid": "login-phone", required: true });
  const code = h("input", { type: "text", name: "code", inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: "6", pattern: "\\d{6}", "data-testid": "login-code", required: true });
  const errors = h("div", { class: "errors" });
  const devBox = h("div", { class: "dev-outbox", hidden: true, "data-testid": "dev-outbox" });
  const sendBtn = h("button", { type: "button", class: "btn btn-secondary", "data-testid": "login-send" }, t("login.send"));
  const submitBtn = h("button", { type: "submit", class: "btn btn-block", "data-testid": "login-submit" }, t("login.submit"));
  let timer = null;
  ctx.onLeave(() => clearInterval(timer));

  const form = h("form", { class: "card login", novalidate: true, "data-testid": "login-form" },
    h("h1", {}, t("login.title")),
    h("p", { class: "muted" }, t("login.intro")),
    errors,
    field(t("login.phone"), phone, { required: true }),
    h("div", { class: "code-row" }, field(t("login.code"), code, { required: true }), sendBtn),
    devBox,
    submitBtn);

  function countdown(seconds = RESEND_SECONDS) {
    let left = seconds;
    sendBtn.disabled = true;
    sendBtn.textContent = t("login.resend", { n: left });
    clearInterval(timer);
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        sendBtn.disabled = false;
        sendBtn.textContent = t("login.send");
      } else {
        sendBtn.textContent = t("login.resend", { n: left });
      }
    }, 1000);
  }

  sendBtn.addEventListener("click", () => busy(sendBtn, async () => {
    try {
      await api.sendCode(phone.value.trim());
      toast(t("login.sent"), { kind: "ok" });
      errors.replaceChildren();
      setTimeout(countdown, 0);
      code.focus();
      showDevOutbox();
    } catch (err) {
      showLoginError(err, { holdSend: true });
    }
  }));

  // A login limit was reached (429): say in plain words which one and when to try again; a refused send
  // also holds the send button until then.
  function showLoginError(err, { holdSend = false } = {}) {
    if (err && err.status === 429 && err.retryAfter && err.details.some((d) => d.field === "retry_after")) {
      const wait = err.retryAfter >= 120 ? t("login.minutes", { n: Math.ceil(err.retryAfter / 60) })
        : t("login.seconds", { n: err.retryAfter });
      const key = `login.wait_${err.code}`;
      const message = t(key, { wait }) === key ? err.message : t(key, { wait });
      showError({ status: 429, code: err.code, message, details: [] }, errors);
      if (holdSend) setTimeout(() => countdown(err.retryAfter), 0);
      return;
    }
    showError(err, errors, { form });
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(submitBtn, async () => {
      try {
        await api.login(phone.value.trim(), code.value.trim());
        toast(t("login.welcome"), { kind: "ok" });
        ctx.go(ctx.query.next || "/");
      } catch (err) {
        showLoginError(err);
      }
    });
  });

  async function showDevOutbox() {
    let health;
    try {
      health = await api.get("/v1/health", { auth: false, retries: 0 });
    } catch {
      return;
    }
    if (!health || health.stage !== "local") return;
    const showBtn = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "dev-outbox-show" }, t("login.dev_show"));
    const out = h("p", { class: "dev-sms", "data-testid": "dev-outbox-sms", "aria-live": "polite" });
    showBtn.addEventListener("click", () => busy(showBtn, async () => {
      try {
        const sms = await api.get("/v1/dev/outbox", { query: { phone: phone.value.trim(), limit: 1 }, auth: false });
        if (!sms.length) {
          out.textContent = t("login.dev_none");
          return;
        }
        out.textContent = t("login.dev_code", { body: sms[0].body });
        const found = /\d{6}/.exec(sms[0].body);
        if (found) {
          out.dataset.code = found[0];
          code.value = found[0];
        }
      } catch (err) {
        showError(err, out);
      }
    }));
    mount(devBox, h("p", { class: "muted" }, t("login.dev_outbox")), showBtn, out);
    devBox.hidden = false;
  }

  mount(root, form);
  phone.focus();
}
