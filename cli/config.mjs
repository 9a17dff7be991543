import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import envPaths from "env-paths";
import { CliError, EXIT, UsageError } from "./errors.mjs";

/**
 * The CLI's settings: one JSON file at the OS-conventional config path
 * (env-paths: ~/.config/message-hub on Linux, ~/Library/Preferences/message-hub
 * on macOS, %APPDATA%\message-hub\Config on Windows), holding one profile
 * per server. It holds API keys, so it is written 0600 in a 0700 directory,
 * atomically (temp file + rename), and a file others can read is warned about.
 *
 * This module is the only place the CLI reads its environment variables.
 */

/**
 * @typedef {object} Profile
 * @property {string} [server]
 * @property {string} [token]
 * @property {string} [user] who the token belongs to, for `config list`
 */

/**
 * @typedef {object} ConfigFile
 * @property {string} [defaultProfile]
 * @property {Record<string, Profile>} profiles
 */

/** @typedef {{ name: string, server: string | undefined, token: string | undefined, sources: { server: string, token: string } }} ResolvedProfile */

export const PROFILE_KEYS = /** @type {const} */ (["server", "token"]);
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The environment the CLI reads, in one place. */
export function cliEnvironment() {
  const env = process.env;
  return {
    url: env.MESSAGE_HUB_URL || undefined,
    token: env.MESSAGE_HUB_TOKEN || undefined,
    profile: env.MESSAGE_HUB_PROFILE || undefined,
    configFile: env.MESSAGE_HUB_CONFIG || undefined,
    // https://no-color.org: set and not empty disables colour.
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== "",
    dumbTerminal: env.TERM === "dumb",
    columns: Number(env.COLUMNS) > 0 ? Number(env.COLUMNS) : undefined,
  };
}

export function configPath() {
  return cliEnvironment().configFile ?? path.join(envPaths("message-hub", { suffix: "" }).config, "config.json");
}

/** @returns {ConfigFile} */
export function loadConfig(file = configPath()) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return { profiles: {} };
    throw new CliError(`Cannot read the config file ${file}: ${/** @type {Error} */ (error).message}`);
  }
  warnIfReadableByOthers(file);
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    const profiles = parsed.profiles && typeof parsed.profiles === "object" ? parsed.profiles : {};
    return { defaultProfile: typeof parsed.defaultProfile === "string" ? parsed.defaultProfile : undefined, profiles };
  } catch (error) {
    throw new CliError(`The config file ${file} is not valid JSON (${/** @type {Error} */ (error).message}).`, {
      hint: "Fix it by hand, or delete it and run `message-hub login` again.",
    });
  }
}

/** @param {ConfigFile} config */
export function saveConfig(config, file = configPath()) {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is masked by the umask; set it exactly.
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

let warned = false;
/** @param {string} file */
function warnIfReadableByOthers(file) {
  if (process.platform === "win32" || warned) return;
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      warned = true;
      process.stderr.write(`warning: ${file} holds API keys but other users can read it (mode ${mode.toString(8)}); run: chmod 600 ${file}\n`);
    }
  } catch {
    // Unreadable metadata is not worth failing a command over.
  }
}

/** @param {string} name */
export function checkProfileName(name) {
  if (!PROFILE_NAME.test(name)) throw new UsageError(`'${name}' is not a valid profile name: use letters, digits, '.', '_' or '-' (up to 64).`);
  return name;
}

/**
 * The profile a command uses: --profile, else MESSAGE_HUB_PROFILE, else the
 * file's default, else "default". MESSAGE_HUB_URL and MESSAGE_HUB_TOKEN
 * override what the profile holds.
 * @param {ConfigFile} config
 * @param {string | undefined} requested --profile
 * @returns {ResolvedProfile}
 */
export function resolveProfile(config, requested) {
  const env = cliEnvironment();
  const name = requested ?? env.profile ?? config.defaultProfile ?? "default";
  const stored = config.profiles[name];
  const explicit = requested !== undefined || env.profile !== undefined;
  if (!stored && explicit && !(env.url && env.token)) {
    const known = Object.keys(config.profiles);
    throw new CliError(`There is no profile '${name}'.`, {
      exitCode: EXIT.usage,
      hint: known.length > 0 ? `Known profiles: ${known.join(", ")}. Create one with \`message-hub login --server URL --profile ${name}\`.` : `Create it with \`message-hub login --server URL --profile ${name}\`.`,
    });
  }
  return {
    name,
    server: env.url ?? stored?.server,
    token: env.token ?? stored?.token,
    sources: {
      server: env.url ? "MESSAGE_HUB_URL" : stored?.server ? `profile ${name}` : "unset",
      token: env.token ? "MESSAGE_HUB_TOKEN" : stored?.token ? `profile ${name}` : "unset",
    },
  };
}

/**
 * A server URL as typed ("hub.example.com", "http://127.0.0.1:3000/") made
 * canonical: scheme required unless it is a bare host, no trailing slash.
 * @param {string} input
 */
export function normaliseServerUrl(input) {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${input}' is not a URL.`, { hint: "Give the hub's address, for example --server https://hub.example.com" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`'${input}' must be an http(s) URL.`);
  if (url.search || url.hash) throw new UsageError(`'${input}' must not carry a query or fragment.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * "mh_ab12cd34_<secret>" → "mh_ab12cd34_…": the public prefix tells keys
 * apart (the web app and `keys` show the same one); none of the secret shows.
 * @param {string | undefined} token
 */
export function maskToken(token) {
  if (!token) return "";
  const match = /^(mh_[0-9a-z]{8}_)/.exec(token);
  return match ? `${match[1]}…` : `${token.slice(0, 3)}…`;
}
