/**
 * router.js — a hash router: "#/stations/st-1?city=beijing" -> the route "/stations/:id" with
 * params {id: "st-1"} and query {city: "beijing"}. A view may return a cleanup function (stop
 * polling, destroy charts), called before the next view renders.
 */

export function parseHash(hash) {
  const raw = (hash || "").replace(/^#/, "") || "/";
  const [path, qs = ""] = raw.split("?");
  return { path: path.startsWith("/") ? path : `/${path}`, query: Object.fromEntries(new URLSearchParams(qs)) };
}

function matcher(pattern) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  const re = new RegExp(`^${source}/?$`);
  return (path) => {
    const m = re.exec(path);
    return m ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) : null;
  };
}

export function createRouter(routes, { onRoute }) {
  const table = routes.map((r) => ({ ...r, match: matcher(r.path) }));
  let cleanup = null;

  async function render() {
    const { path, query } = parseHash(location.hash);
    const hit = table.map((r) => ({ route: r, params: r.match(path) })).find((x) => x.params);
    if (typeof cleanup === "function") {
      try {
        cleanup();
      } catch (err) {
        console.error(err);
      }
    }
    cleanup = null;
    cleanup = await onRoute(hit ? hit.route : null, hit ? hit.params : {}, query, path);
  }

  window.addEventListener("hashchange", render);
  return { render };
}

/** Build "#/path?query" from a path and a query object (empty values left out). */
export function href(path, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function go(path, query) {
  location.hash = href(path, query).slice(1);
}
