// The service hall: scenarios open to me, grouped by category, and my requests with their status.
import { pick, t } from "../../shared/i18n.js";
import { h, loading, mount, showError } from "../../shared/ui.js";
import { section } from "../util.js";
import { requestBadge } from "./request.js";
import { chinaTime } from "../../shared/dates.js";
import { loadVocabulary, nameOf } from "../../shared/vocabulary.js";

export async function render(root, params, ctx) {
  const { api } = ctx;
  const catalogue = h("div", { "data-testid": "scenarios" });
  const mine = h("div", { "data-testid": "my-requests" });
  mount(root, h("h1", {}, t("services.title")), catalogue, section(t("services.my_requests"), mine));

  async function loadCatalogue() {
    catalogue.replaceChildren();
    const stop = loading(catalogue);
    try {
      const [rows] = await Promise.all([api.get("/v1/scenarios"), loadVocabulary(api)]);
      stop();
      if (!rows.length) return mount(catalogue, h("p", { class: "empty" }, t("services.none")));
      const groups = new Map();
      for (const s of rows) groups.set(s.category, [...(groups.get(s.category) || []), s]);
      mount(catalogue, [...groups].map(([cat, items]) => section(nameOf("categories", cat),
        h("ul", { class: "plain" }, items.map((s) => h("li", {},
          h("a", { href: `#/services/${encodeURIComponent(s.key)}`, class: "list-link service-item", "data-testid": "scenario-item", "data-key": s.key },
            h("strong", {}, pick(s.title_zh, s.title_en)),
            s.audience === "members" ? h("span", { class: "badge badge-warn" }, t("services.members_only")) : null,
            h("p", { class: "small muted" }, pick(s.description_zh, s.description_en)))))))));
    } catch (err) {
      stop();
      showError(err, catalogue, { onRetry: loadCatalogue });
    }
  }

  async function loadMine() {
    mine.replaceChildren();
    const stop = loading(mine);
    try {
      const rows = await api.get("/v1/me/requests");
      stop();
      mount(mine, rows.length ? h("ul", { class: "plain" }, rows.map((r) => h("li", {},
        h("a", { href: `#/requests/${encodeURIComponent(r.request_id)}`, class: "list-link", "data-testid": "request-item", "data-status": r.status },
          h("div", { class: "row spread" }, h("strong", {}, pick(r.title_zh, r.title_en)), requestBadge(r.status)),
          h("p", { class: "small muted" }, chinaTime(r.submitted_at))))))
        : h("p", { class: "empty" }, t("requests.none")));
    } catch (err) {
      stop();
      showError(err, mine, { onRetry: loadMine });
    }
  }

  loadCatalogue();
  loadMine();
}
