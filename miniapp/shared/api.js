/**
 * api.js — the one client WorkerHome's front ends (worker mini-app, admin console) use to call the
 * public API. Same origin by default (`base = ""`), JSON in and out, no private back doors.
 *
 * Interface
 *   class ApiError extends Error { status, code, message, details: [{field, code, message}], retryAfter }
 *     status 0 + code "network_error" / "timeout" when no answer came back at all.
 *   createApi({ base = "", storageKey = "wh.session", retries = 3, backoffMs = 400, timeoutMs = 20000,
 *               onSessionChange, fetch }) -> api
 *   api.request(method, path, { body, query, idempotencyKey, retries, auth = true, headers, signal })
 *       -> parsed JSON (null for 204). Throws ApiError.
 *       - Bearer access token from storage; a 401 `token_expired` refreshes once (POST /v1/auth/refresh,
 *         shared by concurrent requests) and repeats the request.
 *       - Writes (anything but GET/HEAD) carry an `Idempotency-Key` (given, or crypto.randomUUID());
 *         the SAME key is sent on every automatic retry.
 *       - Retries (writes and reads): network errors, timeouts, 5xx and 409 `request_in_progress`, with
 *         exponential backoff + jitter. 4xx answers are final.
 *   api.sendCode(phone), api.login(phone, code) -> token reply (also stored), api.logout()
 *   api.session() -> { memberId, roles, stationIds, isMember, workerGroup, expiresAt } | null (token claims)
 *   api.hasRole(role), api.setLang("zh-CN" | "en"), api.getLang()
 *   api.uploadPresigned({ url, fields }, file) -> POST multipart to S3 (presigned POST); throws ApiError.
 *   newIdempotencyKey() -> a UUID (crypto.randomUUID, or a getRandomValues fallback off secure origins).
 */

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const RETRYABLE_CODES = new Set(["request_in_progress"]);

const LOCAL_MESSAGES = {
  "zh-CN": {
    network_error: "网络连接失败，请检查网络后重试",
    timeout: "网络太慢，请求超时，请重试",
    bad_response: "服务器返回了无法识别的内容",
    upload_failed: "文件上传失败，请重试",
  },
  en: {
    network_error: "Could not reach the server. Check your connection and try again",
    timeout: "The connection is too slow and the request timed out. Please try again",
    bad_response: "The server sent an answer we could not read",
    upload_failed: "The file upload failed. Please try again",
  },
};

export class ApiError extends Error {
  constructor({ status = 0, code = "network_error", message = "", details = [], retryAfter = null } = {}) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
    this.retryAfter = retryAfter;
  }

  /** The details whose field is `field` or starts with `field.` */
  detailsFor(field) {
    return this.details.filter((d) => d.field === field || (d.field || "").startsWith(field + "."));
  }
}

export function newIdempotencyKey() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function decodeClaims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "=".repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function acceptLanguage(lang) {
  return lang === "en" ? "en,zh-CN;q=0.5" : "zh-CN,zh;q=0.9,en;q=0.3";
}

export function createApi({
  base = "",
  storageKey = "wh.session",
  retries = 3,
  backoffMs = 400,
  timeoutMs = 20000,
  onSessionChange = null,
  fetch: fetchImpl = null,
} = {}) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  let lang = "zh-CN";
  let refreshing = null;

  const localMessage = (code) => (LOCAL_MESSAGES[lang] || LOCAL_MESSAGES["zh-CN"])[code] || code;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || "null");
    } catch {
      return null;
    }
  }

  function save(tokens) {
    if (tokens) localStorage.setItem(storageKey, JSON.stringify(tokens));
    else localStorage.removeItem(storageKey);
    if (onSessionChange) onSessionChange(session());
  }

  function session() {
    const stored = load();
    if (!stored || !stored.access_token) return null;
    const claims = decodeClaims(stored.access_token) || {};
    return {
      memberId: claims.sub || stored.member_id || null,
      roles: claims.roles || stored.roles || [],
      stationIds: claims.stn || [],
      isMember: Boolean(claims.mbr),
      workerGroup: claims.grp || null,
      expiresAt: claims.exp ? new Date(claims.exp * 1000) : null,
    };
  }

  function buildUrl(path, query) {
    let url = base + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined || v === null || v === "") continue;
        params.set(k, Array.isArray(v) ? v.join(",") : String(v));
      }
      const qs = params.toString();
      if (qs) url += (url.includes("?") ? "&" : "?") + qs;
    }
    return url;
  }

  async function parseError(resp) {
    let payload = null;
    try {
      payload = await resp.json();
    } catch {
      payload = null;
    }
    const err = (payload && payload.error) || {};
    const retryAfter = resp.headers.get("Retry-After");
    return new ApiError({
      status: resp.status,
      code: err.code || `http_${resp.status}`,
      message: err.message || resp.statusText || `HTTP ${resp.status}`,
      details: err.details || [],
      retryAfter: retryAfter ? Number(retryAfter) : null,
    });
  }

  /** One HTTP exchange: returns the Response, or throws ApiError(status 0) when none came back. */
  async function exchange(method, url, headers, payload, signal) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort("timeout"), timeoutMs);
    const abortFromCaller = () => controller.abort("caller");
    if (signal) signal.addEventListener("abort", abortFromCaller, { once: true });
    try {
      return await doFetch(url, { method, headers, body: payload, signal: controller.signal, credentials: "omit" });
    } catch (exc) {
      if (signal && signal.aborted) throw exc;
      const code = controller.signal.aborted ? "timeout" : "network_error";
      throw new ApiError({ status: 0, code, message: localMessage(code) });
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", abortFromCaller);
    }
  }

  async function refreshTokens() {
    const stored = load();
    if (!stored || !stored.refresh_token) return false;
    if (!refreshing) {
      refreshing = (async () => {
        try {
          const reply = await request("POST", "/v1/auth/refresh", {
            body: { refresh_token: stored.refresh_token }, auth: false, retries: 1,
          });
          save({ ...stored, ...reply });
          return true;
        } catch (err) {
          if (err.status === 401 || err.status === 400) save(null); // the refresh token is dead: log in again
          return false;
        } finally {
          refreshing = null;
        }
      })();
    }
    return refreshing;
  }

  /**
   * method, path ("/v1/..."), { body, query, idempotencyKey, retries, auth, headers, signal }
   * Resolves with the JSON answer; rejects with ApiError.
   */
  async function request(method, path, options = {}) {
    const { body, query, auth = true, signal } = options;
    const verb = method.toUpperCase();
    const maxRetries = options.retries ?? retries;
    const key = WRITE_METHODS.has(verb) ? options.idempotencyKey || newIdempotencyKey() : null;
    const url = buildUrl(path, query);
    let refreshed = false;

    for (let attempt = 0; ; attempt += 1) {
      const headers = { Accept: "application/json", "Accept-Language": acceptLanguage(lang), ...(options.headers || {}) };
      let payload;
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        payload = JSON.stringify(body);
      }
      if (key) headers["Idempotency-Key"] = key;
      const stored = auth ? load() : null;
      if (stored && stored.access_token) headers.Authorization = `Bearer ${stored.access_token}`;

      let error;
      try {
        const resp = await exchange(verb, url, headers, payload, signal);
        if (resp.ok) {
          if (resp.status === 204) return null;
          const text = await resp.text();
          if (!text.trim()) return null;
          try {
            return JSON.parse(text);
          } catch {
            throw new ApiError({ status: resp.status, code: "bad_response", message: localMessage("bad_response") });
          }
        }
        error = await parseError(resp);
      } catch (exc) {
        if (!(exc instanceof ApiError)) throw exc;
        error = exc;
      }

      // an expired token, or one stopped by a role change: a refresh brings a token with the new roles
      // (after logout or erasure the refresh is refused too, and the caller is asked to log in)
      if (error.status === 401 && ["token_expired", "token_revoked"].includes(error.code) && auth && !refreshed) {
        refreshed = true;
        if (await refreshTokens()) {
          attempt -= 1; // a refresh is not a retry
          continue;
        }
      }
      const retryable = error.status === 0 || error.status >= 500 || RETRYABLE_CODES.has(error.code);
      if (!retryable || attempt >= maxRetries || (signal && signal.aborted)) throw error;
      const delay = backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
      await sleep(delay);
    }
  }

  async function sendCode(phone) {
    return request("POST", "/v1/auth/otp", { body: { phone }, auth: false });
  }

  async function login(phone, code) {
    const reply = await request("POST", "/v1/auth/token", { body: { phone, code }, auth: false });
    save({
      access_token: reply.access_token, refresh_token: reply.refresh_token, member_id: reply.member_id,
      roles: reply.roles, new_member: reply.new_member,
    });
    return reply;
  }

  async function logout() {
    const stored = load();
    save(null);
    if (stored && stored.refresh_token) {
      try {
        await request("POST", "/v1/auth/logout", { body: { refresh_token: stored.refresh_token }, auth: false, retries: 1 });
      } catch {
        // the local session is gone either way; an unreachable server only leaves a token that expires
      }
    }
  }

  async function uploadPresigned({ url, fields }, file) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields || {})) form.append(k, v);
    form.append("file", file);
    let resp;
    try {
      resp = await doFetch(url, { method: "POST", body: form });
    } catch {
      throw new ApiError({ status: 0, code: "network_error", message: localMessage("network_error") });
    }
    if (!resp.ok) {
      throw new ApiError({ status: resp.status, code: "upload_failed", message: localMessage("upload_failed") });
    }
    return true;
  }

  return {
    request,
    get: (path, opts) => request("GET", path, opts),
    post: (path, body, opts = {}) => request("POST", path, { ...opts, body }),
    put: (path, body, opts = {}) => request("PUT", path, { ...opts, body }),
    patch: (path, body, opts = {}) => request("PATCH", path, { ...opts, body }),
    del: (path, opts) => request("DELETE", path, opts),
    sendCode,
    login,
    logout,
    session,
    hasRole: (role) => (session()?.roles || []).includes(role),
    setLang(next) {
      lang = next === "en" ? "en" : "zh-CN";
    },
    getLang: () => lang,
    uploadPresigned,
  };
}
