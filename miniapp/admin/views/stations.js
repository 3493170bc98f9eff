/**
 * Stations: the list (by city), import from CSV or GeoJSON (every bad row named, nothing written
 * when any row is bad) and export. The list reads the GeoJSON export, the one admin call that
 * returns every station with its id.
 */
import { pick, t } from "/shared/i18n.js";
import { busy, clearErrors, h, mount, showError, toast } from "/shared/ui.js";
import { api, download, label, load, pageHeader, select, table } from "../core.js";
import { go, href } from "/shared/router.js";
import { badge, field } from "/shared/widgets.js";
import { choices, nameOf } from "/shared/vocabulary.js";

export async function renderStations(container, params, query) {
  const city = query.city || "";
  const listBox = h("div", { class: "card" });
  const importBox = h("div", { class: "card", hidden: query.import !== "1", "data-testid": "import-panel" });
  const citySelect = select({ "data-testid": "stations-city", onChange: (e) => go("/stations", { city: e.target.value }) },
    [["", t("core.all")], ...choices("cities")], city);
  mount(container,
    pageHeader(t("stations.title"),
      field(t("stations.city"), citySelect),
      h("a", { class: "btn btn-primary", href: "#/stations/new", "data-testid": "stations-new" }, t("stations.new")),
      h("button", { type: "button", class: "btn btn-secondary", "data-testid": "stations-import-open",
        onClick: () => { importBox.hidden = !importBox.hidden; } }, t("stations.import")),
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": "export-csv",
        onClick: (e) => exportAs(e.currentTarget, "csv", city) }, t("stations.export_csv")),
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": "export-geojson",
        onClick: (e) => exportAs(e.currentTarget, "geojson", city) }, t("stations.export_geojson"))),
    importBox, listBox);
  importPanel(importBox, () => showList(listBox, city));
  await showList(listBox, city);
}

async function showList(box, city) {
  mount(box, h("p", { class: "muted" }, t("common.loading")));
  const geo = await load(box, () => api.get("/v1/admin/stations/export", { query: { format: "geojson", city } }),
    () => showList(box, city));
  if (!geo) return;
  const rows = geo.features.map((f) => ({ id: f.id, ...f.properties }));
  mount(box, h("p", { class: "muted", "data-testid": "stations-count" }, t("stations.count", { n: rows.length })),
    table([
      { title: t("stations.code"), cell: (s) => h("code", {}, s.code) },
      { title: t("stations.name"), cell: (s) => h("a", { href: `#/stations/${s.id}` }, pick(s.name_zh, s.name_en)) },
      { title: t("stations.kind"), cell: (s) => label("kind", s.kind) },
      { title: t("stations.city"), cell: (s) => `${nameOf("cities", s.city)} · ${s.district}` },
      { title: t("stations.seats"), cell: (s) => `${s.seats} / ${s.slot_minutes}′`, class: "num" },
      { title: t("stations.active"), cell: (s) => s.active ? badge(t("stations.on"), "ok") : badge(t("stations.off"), "muted") },
      { title: "", cell: (s) => h("span", { class: "row-actions" },
        h("a", { href: `#/stations/${s.id}`, "data-testid": `station-edit-${s.code}` }, t("stations.edit")),
        h("a", { href: href(`/stations/${s.id}/forecast`), "data-testid": `station-forecast-${s.code}` }, t("stations.forecast"))) },
    ], rows, { testid: "stations-table", rowAttrs: (s) => ({ "data-testid": `station-row-${s.code}`, "data-id": s.id }) }));
}

async function exportAs(button, format, city) {
  await busy(button, async () => {
    try {
      const out = await api.get("/v1/admin/stations/export", { query: { format, city } });
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === "csv") download(`stations-${stamp}.csv`, `\ufeff${out.content}`, "text/csv;charset=utf-8");
      else download(`stations-${stamp}.geojson`, JSON.stringify(out, null, 2), "application/geo+json");
    } catch (err) {
      toast(err.message, { kind: "error" });
    }
  });
}

function importPanel(box, reload) {
  const format = select({ name: "format", "data-testid": "import-format" }, [["csv", "CSV"], ["geojson", "GeoJSON"]], "csv");
  const text = h("textarea", { name: "content", rows: 6, class: "mono", "data-testid": "import-text", spellcheck: false });
  const file = h("input", { type: "file", accept: ".csv,.geojson,.json,text/csv,application/json", "data-testid": "import-file",
    onChange: async () => {
      const f = file.files[0];
      if (!f) return;
      text.value = await f.text();
      if (/\.(geo)?json$/i.test(f.name)) format.value = "geojson";
      if (/\.csv$/i.test(f.name)) format.value = "csv";
    } });
  const errors = h("div", { class: "errors", "data-testid": "import-errors" });
  const result = h("p", { class: "result", "data-testid": "import-result" });
  const form = h("form", { onSubmit: submit, novalidate: true },
    h("h2", {}, t("import.title")), h("p", { class: "hint" }, t("import.help")), errors,
    h("div", { class: "row" }, field(t("import.format"), format), field(t("import.file"), file)),
    field(t("import.text"), text),
    h("button", { type: "submit", class: "btn btn-primary", "data-testid": "import-submit" }, t("import.submit")), result);
  mount(box, form);

  async function submit(event) {
    event.preventDefault();
    clearErrors(errors, form);
    result.textContent = "";
    await busy(form.querySelector("[type=submit]"), async () => {
      try {
        const content = format.value === "geojson" ? parseJson(text.value) : text.value.replace(/^\ufeff/, "");
        const out = await api.post("/v1/admin/stations/import", { format: format.value, content });
        result.textContent = t("import.done", out);
        toast(result.textContent, { kind: "ok" });
        await reload();
      } catch (err) {
        showError(err, errors, { form });
      }
    });
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;    // the API names what is wrong with it
  }
}
