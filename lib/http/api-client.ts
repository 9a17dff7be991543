/**
 * The browser's way to call the hub's API: same-origin fetch with the session
 * cookie, JSON in and out, and problem+json turned into an ApiError that
 * keeps the status, the detail, the field errors, the request id and the
 * Retry-After of a 429. Query functions and mutations use it, so every
 * screen reports errors the same way.
 */
export type ApiFieldError = { path: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly requestId: string | null;
  readonly errors: ApiFieldError[];
  readonly retryAfterSeconds: number | null;
  /** The whole problem document, for routes that add members (a 409's current version). */
  readonly problem: Record<string, unknown>;

  constructor(status: number, problem: Record<string, unknown>, retryAfter: string | null) {
    const detail = typeof problem.detail === "string" ? problem.detail : `Request failed with status ${status}`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.title = typeof problem.title === "string" ? problem.title : "Error";
    this.requestId = typeof problem.requestId === "string" ? problem.requestId : null;
    this.errors = Array.isArray(problem.errors) ? (problem.errors as ApiFieldError[]) : [];
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    this.retryAfterSeconds = Number.isFinite(seconds) ? seconds : null;
    this.problem = problem;
  }

  /** The message for one field, matched on the end of its path: fieldError("email") finds "body.email". */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.path === field || error.path.endsWith(`.${field}`))?.message;
  }
}

export type ApiRequest = { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> };

export async function apiFetch<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method: request.method ?? (request.body !== undefined ? "POST" : "GET"),
      headers,
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      credentials: "same-origin",
      signal: request.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, { title: "Network error", detail: "Could not reach the hub. Check your connection and try again." }, null);
  }
  if (res.status === 204) return undefined as T;
  const body = parseBody(await res.text());
  if (!res.ok) throw errorOf(res, body);
  return body as T;
}

/**
 * The ApiError for a response that is not ok, for a caller that fetched it
 * itself (a streamed download): as apiFetch would have thrown it.
 */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  return errorOf(res, parseBody(await res.text().catch(() => "")));
}

/** JSON, or a body that is not (a proxy's error page) as the first 200 characters of its detail. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

function errorOf(res: Response, body: unknown): ApiError {
  return new ApiError(res.status, (body as Record<string, unknown> | undefined) ?? {}, res.headers.get("retry-after"));
}
