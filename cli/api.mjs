import { ApiError, CliError, EXIT } from "./errors.mjs";

/**
 * The CLI's HTTP client for the public API (docs/api.md): bearer auth,
 * JSON in and out, problem+json turned into an ApiError that carries the
 * server's detail and the right exit code, and a server that cannot be
 * reached turned into one clear sentence instead of "fetch failed".
 */

/** @typedef {Record<string, string | number | boolean | undefined | null | Array<string | number>>} Query */

/**
 * @typedef {object} RequestOptions
 * @property {Query} [query]
 * @property {unknown} [body]
 * @property {number | null} [timeoutMs] default 30 s; null for a stream that lasts as long as it lasts
 * @property {AbortSignal} [signal]
 */

const USER_AGENT = `message-hub-cli (node ${process.versions.node})`;

export class ApiClient {
  /**
   * @param {{ server: string, token?: string, headers?: Record<string, string>, debug?: (line: string) => void }} options
   *   headers: sent with every request (a sign-in session's cookie and Origin; see session.mjs)
   */
  constructor(options) {
    this.server = options.server.replace(/\/+$/, "");
    this.token = options.token;
    this.headers = options.headers ?? {};
    this.debug = options.debug;
  }

  /**
   * @param {string} path an /api/... path
   * @param {Query} [query]
   */
  url(path, query) {
    const url = new URL(`${this.server}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null || value === "") continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url;
  }

  /**
   * Sends a request; answers the raw Response for a 2xx, throws for
   * anything else.
   * @param {string} method
   * @param {string} path
   * @param {RequestOptions} [options]
   * @returns {Promise<Response>}
   */
  async raw(method, path, options = {}) {
    const url = this.url(path, options.query);
    /** @type {Record<string, string>} */
    const headers = { ...this.headers, accept: "application/json", "user-agent": USER_AGENT };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const timeoutMs = options.timeoutMs === undefined ? 30_000 : options.timeoutMs;
    const signals = [options.signal, timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs)].filter((signal) => signal !== undefined);
    const started = Date.now();
    let response;
    try {
      response = await fetch(url, { method, headers, body, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined, redirect: "manual" });
    } catch (error) {
      this.debug?.(`${method} ${url.pathname} failed after ${Date.now() - started} ms: ${describeNetworkError(error)}`);
      throw unreachable(this.server, error, timeoutMs);
    }
    const requestId = response.headers.get("x-request-id") ?? undefined;
    this.debug?.(`${method} ${url.pathname}${url.search} → ${response.status} in ${Date.now() - started} ms${requestId ? ` (request ${requestId})` : ""}`);
    if (response.ok) return response;
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      // Following it would drop the Authorization header (fetch does on a cross-origin redirect) and hide a wrong address.
      throw new CliError(`The server at ${this.server} redirected ${method} ${url.pathname} to ${response.headers.get("location") ?? "another address"}.`, {
        hint: "Use the address it redirects to as the server (for example https:// instead of http://).",
      });
    }
    if (response.status === 404 && !(response.headers.get("content-type") ?? "").includes("json")) {
      // Not a problem document: the route itself is missing, not the thing asked for.
      await response.body?.cancel();
      throw new CliError(`The server at ${this.server} has no ${method} ${url.pathname} (HTTP 404).`, { hint: "Is this a Message Hub server, and is it up to date with this CLI?" });
    }
    throw await problemOf(response, requestId);
  }

  /**
   * @template [T=any]
   * @param {string} method
   * @param {string} path
   * @param {RequestOptions} [options]
   * @returns {Promise<T>}
   */
  async request(method, path, options = {}) {
    const response = await this.raw(method, path, options);
    if (response.status === 204) return /** @type {T} */ (undefined);
    const text = await response.text();
    if (!text) return /** @type {T} */ (undefined);
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`The server at ${this.server} answered ${response.status} with something that is not JSON.`, { hint: "Is this the address of a Message Hub server?" });
    }
  }

  /** @template [T=any] @param {string} path @param {Query} [query] @returns {Promise<T>} */
  get(path, query) {
    return this.request("GET", path, { query });
  }

  /** @template [T=any] @param {string} path @param {unknown} [body] @returns {Promise<T>} */
  post(path, body) {
    return this.request("POST", path, { body });
  }

  /** @template [T=any] @param {string} path @param {unknown} body @returns {Promise<T>} */
  patch(path, body) {
    return this.request("PATCH", path, { body });
  }

  /** @template [T=any] @param {string} path @param {unknown} [body] @returns {Promise<T>} */
  put(path, body) {
    return this.request("PUT", path, { body });
  }

  /** @template [T=any] @param {string} path @returns {Promise<T>} */
  delete(path) {
    return this.request("DELETE", path);
  }
}

/** An id pasted into a URL path: never lets "../" or "?" change the route. @param {string} id */
export function segment(id) {
  return encodeURIComponent(id);
}

/**
 * @param {Response} response
 * @param {string | undefined} requestId
 */
async function problemOf(response, requestId) {
  const type = response.headers.get("content-type") ?? "";
  /** @type {import("./errors.mjs").Problem} */
  let problem = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  if (type.includes("json")) {
    try {
      const parsed = await response.json();
      if (parsed && typeof parsed === "object") problem = { ...problem, ...parsed };
    } catch {
      // A broken error body still has a status.
    }
  } else {
    await response.body?.cancel();
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      problem.detail = "a proxy in front of the hub could not reach it";
    }
  }
  if (response.status === 429) {
    const retry = response.headers.get("retry-after");
    if (retry) problem.detail = `${problem.detail ?? "Too many requests"} (retry after ${retry} s)`;
  }
  return new ApiError(response.status, problem, requestId);
}

/** @param {unknown} error */
export function describeNetworkError(error) {
  const err = /** @type {{ name?: string, message?: string, cause?: { code?: string, message?: string } }} */ (error);
  if (err?.name === "TimeoutError") return "timed out";
  if (err?.name === "AbortError") return "aborted";
  const code = err?.cause?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "connection reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS certificate problem (${code})`;
    default:
      return err?.cause?.message ?? err?.message ?? String(error);
  }
}

/**
 * @param {string} server
 * @param {unknown} error
 * @param {number | null} timeoutMs
 */
export function unreachable(server, error, timeoutMs) {
  const why = describeNetworkError(error);
  if (why === "aborted") return new CliError("Interrupted.", { exitCode: EXIT.error, cause: error });
  if (why === "timed out") return new CliError(`Message Hub at ${server} did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s.`, { cause: error });
  return new CliError(`Cannot reach Message Hub at ${server}: ${why}.`, {
    hint: "Is the server running and is the address right? Check `message-hub config list` or MESSAGE_HUB_URL.",
    cause: error,
  });
}
