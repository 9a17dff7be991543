import { ApiClient } from "./api.mjs";
import { cliEnvironment, loadConfig, resolveProfile } from "./config.mjs";
import { CliError, EXIT } from "./errors.mjs";
import { colorEnabled, makeColors, renderPairs, renderTable } from "./output.mjs";

/**
 * What a command's action works with: the global flags, output helpers that
 * respect --json and the terminal, and the API client for the chosen profile.
 */

/**
 * @typedef {object} GlobalOptions
 * @property {boolean} [json]
 * @property {boolean} [debug]
 * @property {boolean} [color]
 * @property {string} [profile]
 */

/** @typedef {ReturnType<typeof makeContext>} Context */

/** @param {import("commander").Command} command */
export function makeContext(command) {
  const opts = /** @type {GlobalOptions} */ (command.optsWithGlobals());
  const json = Boolean(opts.json);
  const colors = makeColors(colorEnabled(process.stdout, opts.color !== false));
  const errColors = makeColors(colorEnabled(process.stderr, opts.color !== false));
  const width = process.stdout.isTTY ? process.stdout.columns || 80 : (cliEnvironment().columns ?? 80);
  /** @type {ApiClient | undefined} */
  let client;

  const context = {
    json,
    colors,
    errColors,
    width,
    debug: Boolean(opts.debug),
    profileFlag: opts.profile,
    isTTY: Boolean(process.stdout.isTTY),

    /** A line of output on stdout. @param {string} [line] */
    print(line = "") {
      process.stdout.write(`${line}\n`);
    },
    /** --json output: the API's own shapes, pretty-printed. @param {unknown} value */
    printJson(value) {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    /** A note for the person (not data): stderr, so pipes and --json stay clean. @param {string} line */
    note(line) {
      process.stderr.write(`${line}\n`);
    },
    /**
     * @template T
     * @param {import("./output.mjs").Column<T>[]} columns
     * @param {T[]} rows
     * @param {string} empty what to say when there are no rows
     */
    table(columns, rows, empty) {
      if (rows.length === 0) {
        context.note(empty);
        return;
      }
      for (const line of renderTable(columns, rows, { width, colors })) context.print(line);
    },
    /** @param {Array<[string, unknown]>} pairs */
    pairs(pairs) {
      for (const line of renderPairs(pairs, colors)) context.print(line);
    },
    /** @param {string} line */
    debugLine(line) {
      if (opts.debug) process.stderr.write(`${errColors.gray(`debug: ${line}`)}\n`);
    },

    /** The profile this command runs with (flags, env and file resolved). */
    profile() {
      return resolveProfile(loadConfig(), opts.profile);
    },

    /** The API client; fails with exit 3 when there is no server or key to use. */
    api() {
      if (client) return client;
      const profile = context.profile();
      if (!profile.server || !profile.token) {
        throw new CliError(profile.server ? `No API key for profile '${profile.name}'.` : "Not logged in.", {
          exitCode: EXIT.auth,
          hint: "Run `message-hub login --server URL`, or set MESSAGE_HUB_URL and MESSAGE_HUB_TOKEN.",
        });
      }
      client = new ApiClient({ server: profile.server, token: profile.token, debug: opts.debug ? context.debugLine : undefined });
      return client;
    },
  };
  return context;
}
