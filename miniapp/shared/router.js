/**
 * router.js — the one hash router of both front ends: "#/stations/st-1?city=beijing" -> the route
 * "/stations/:id" with params {id: "st-1"} and query {city: "beijing"}.
 *
 * Interface
 *   createRouter(routes, { onRoute })   routes: [{ path: "/x/:id", ...anything the app needs }].
 *                                       On every hash change: onRoute(route | null, params, query, path);
 *                                       what it returns, if a function, is called before the next view
 *                                       renders (stop polling, destroy charts). -> { render }
 *   parseHash(hash) -> { path, query }
 *   href(path, query) -> "#/path?query"  (empty values left out)
 *   go(path, query)                     navigate; going to the page already shown renders it again
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

export function href(path, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function go(path, query) {
  const target = href(path, query);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target.slice(1);
}
