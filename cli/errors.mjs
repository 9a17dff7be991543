/**
 * The CLI's exit codes and the one error type its commands throw. Every
 * failure reaches the user as one line (see main.mjs); scripts branch on the
 * exit code.
 */
export const EXIT = Object.freeze({
  ok: 0,
  error: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
});

/** @typedef {{ path: string, message: string }} FieldError */

/**
 * An RFC 9457 problem document as the hub sends it; some carry more members
 * (a 409 on a task carries the current `task`).
 * @typedef {{ type?: string, title?: string, status?: number, detail?: string, requestId?: string, errors?: FieldError[], [extra: string]: unknown }} Problem
 */

export class CliError extends Error {
  /**
   * @param {string} message one line, shown as is
   * @param {{ exitCode?: number, hint?: string, cause?: unknown }} [options]
   */
  constructor(message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "CliError";
    /** @type {number} */
    this.exitCode = options.exitCode ?? EXIT.error;
    /** A second line with what to do about it, or undefined. */
    this.hint = options.hint;
  }
}

/** A wrong flag or argument: exit 2. */
export class UsageError extends CliError {
  /** @param {string} message @param {{ hint?: string }} [options] */
  constructor(message, options = {}) {
    super(message, { exitCode: EXIT.usage, hint: options.hint });
    this.name = "UsageError";
  }
}

/** The server answered with a problem document (or at least a status). */
export class ApiError extends CliError {
  /**
   * @param {number} status
   * @param {Problem} problem
   * @param {string} [requestId]
   */
  constructor(status, problem, requestId) {
    super(describeProblem(status, problem), { exitCode: exitCodeForStatus(status), hint: hintForStatus(status) });
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.requestId = problem.requestId ?? requestId;
  }
}

/** @param {number} status */
export function exitCodeForStatus(status) {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  return EXIT.error;
}

/** @param {number} status */
function hintForStatus(status) {
  if (status === 401) return "The API key was refused: it may be revoked, expired or mistyped. Run `message-hub login` again, or check MESSAGE_HUB_TOKEN.";
  if (status === 403) return "The API key lacks a scope this command needs; `message-hub whoami` lists its scopes.";
  return undefined;
}

/**
 * "Not found: Message not found" plus, for a 422, which fields failed
 * ("title is required; dueAt must be …"), all on one line.
 * @param {number} status
 * @param {Problem} problem
 */
function describeProblem(status, problem) {
  const title = problem.title ?? `HTTP ${status}`;
  const detail = problem.detail && problem.detail !== title ? problem.detail : "";
  let line = detail ? `${title}: ${detail}` : title;
  if (Array.isArray(problem.errors) && problem.errors.length > 0) {
    const fields = problem.errors.slice(0, 5).map((error) => `${error.path.replace(/^(body|query|params)\./, "")} ${error.message}`);
    line += ` (${fields.join("; ")}${problem.errors.length > 5 ? "; …" : ""})`;
  }
  return line.replace(/\s*\n\s*/g, " ");
}
