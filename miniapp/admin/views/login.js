/** Log in with phone + one-time code, like every WorkerHome account; only staff, admins and auditors get in. */
import { t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, home, mayEnter } from "../core.js";
import { go } from "/shared/router.js";
import { field } from "/shared/widgets.js";

export async function renderLogin(container, params, query) {
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "tel", required: true, "data-testid": "login-phone" });
  const code = h("input", { name: "code", inputmode: "numeric", maxlength: 6, "data-testid": "login-code" });
  const errors = h("div", { class: "errors" });
  const outbox = h("p", { class: "hint", hidden: true });
  const form = h("form", { class: "login-card card", "data-testid": "login-form", onSubmit: submit, novalidate: true },
    h("h1", {}, t("login.title")), errors,
    field(t("login.phone"), h("div", { class: "inline" }, phone,
      h("button", { type: "button", class: "btn btn-secondary", "data-testid": "login-send", onClick: send }, t("login.send")))),
    field(t("login.code"), code), outbox,
    h("button", { type: "submit", class: "btn btn-primary", "data-testid": "login-submit" }, t("login.submit")));
  mount(container, h("div", { class: "login-page" }, form));

  async function send(event) {
    clearErrors(errors, form);
    await busy(event.currentTarget, async () => {
      try {
        await api.sendCode(phone.value.trim());
        toast(t("login.sent"), { kind: "ok" });
        code.focus();
        const health = await api.get("/v1/health", { auth: false }).catch(() => null);
        if (health && health.stage === "local") {
          mount(outbox, h("a", { href: `/v1/dev/outbox?phone=${encodeURIComponent(phone.value.trim())}`, target: "_blank",
            "data-testid": "dev-outbox" }, t("login.dev_outbox")));
          outbox.hidden = false;
        }
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }

  async function submit(event) {
    event.preventDefault();
    clearErrors(errors, form);
    const button = form.querySelector("[type=submit]");
    await busy(button, async () => {
      try {
        await api.login(phone.value.trim(), code.value.trim());
      } catch (err) {
        showError(err, errors, { form });
        return;
      }
      if (!mayEnter()) {
        await api.logout();
        showError({ status: 403, code: "staff_only", message: t("login.staff_only") }, errors);
        return;
      }
      const next = query.next && query.next !== "/login" ? query.next : home();
      go(next);
    });
  }
}
