import { hostname } from "node:os";
import { createInterface } from "node:readline";
import { ApiClient, segment } from "../api.mjs";
import { checkProfileName, cliEnvironment, configPath, loadConfig, maskToken, normaliseServerUrl, resolveProfile, saveConfig } from "../config.mjs";
import { CliError, EXIT, UsageError } from "../errors.mjs";
import { parseInstant } from "../dates.mjs";
import { action, examples, list } from "../options.mjs";
import { withSpinner } from "../progress.mjs";
import { formatWait, HubSession } from "../session.mjs";
import { SCOPES } from "./keys.mjs";

/**
 * login, logout, whoami and config: which server and key each command uses.
 *
 * Login saves an API key in a profile. It takes a key, or an email and
 * password: then it signs in the way the web app does (session.mjs), creates
 * a named key with the session, signs the session out and saves the key.
 * The password is never stored, and never sent anywhere but the sign-in.
 */

/** @typedef {{ user: { id: string, email: string, name: string, role: string, timezone?: string }, auth: { via: string, scopes: string[], apiKeyId: string | null, deviceId: string | null } }} Me */

const KEY_FORMAT = /^mh_[0-9a-z]{8}_[0-9A-Za-z_-]{32,64}$/;

/** @param {import("commander").Command} program */
export function registerAccount(program) {
  program
    .command("login")
    .description("save a server and API key as a profile: give a key, or sign in with email and password to create one")
    .option("-s, --server <url>", "the hub's address, for example https://hub.example.com")
    .option("-k, --key <key>", "the API key (mh_…); without it (and without --email) the key is read from stdin, or asked for on a terminal")
    .option("-e, --email <email>", "sign in with this email instead: the password is asked for on a terminal (not echoed) or read from stdin, and a new key is created")
    .option("--totp <code>", "with --email: the code from your authenticator app (or a backup code) when the account has two-factor sign-in on; asked for on a terminal otherwise")
    .option("--scope <scopes>", `with --email: the new key's scopes (repeat or comma-separate; default: all of yours but admin): ${SCOPES.join(", ")}`, list())
    .option("--name <name>", "with --email: the new key's name (default: cli@<this host>)")
    .option("--expires <when>", 'with --email: when the new key stops working: ISO 8601, a date or words ("in 90 days")')
    .option("--default", "make this profile the default one")
    .addHelpText(
      "after",
      `${examples(
        "message-hub login --server https://hub.example.com          # asks for the key",
        "echo \"$HUB_KEY\" | message-hub login --server http://localhost:3000",
        "message-hub login --server https://hub.example.com --email ada@example.com   # asks for the password",
        "message-hub login --server https://hub.example.com --email ada@example.com --scope messages:read,tasks:read --expires 'in 90 days'",
        "message-hub login --server https://work.example.com --profile work --default",
      )}
With --email the CLI signs in as the web app does (the same password and
two-factor checks, back-off and rate limits), creates an API key named
cli@<this host> holding your scopes (admin only if you ask for it with
--scope), and signs the session out. The password is never saved.
The key is checked with GET /api/v1/me, then saved in ${configPath()}
(mode 0600).
`,
    )
    .action(
      action(async (ctx, opts) => {
        const config = loadConfig();
        const name = checkProfileName(ctx.profileFlag ?? cliEnvironment().profile ?? config.defaultProfile ?? "default");
        const existing = config.profiles[name];
        const serverText = opts.server ?? existing?.server ?? cliEnvironment().url;
        if (!serverText) throw new UsageError("Which server? Give --server URL.", { hint: "For example: message-hub login --server https://hub.example.com" });
        const server = normaliseServerUrl(serverText);
        const debug = ctx.debug ? ctx.debugLine : undefined;

        /** @type {string} */
        let key;
        if (opts.email !== undefined) {
          if (opts.key !== undefined) throw new UsageError("Give --key or --email, not both.");
          key = await mintKey(ctx, server, opts);
        } else {
          const keyOnly = ["totp", "scope", "name", "expires"].filter((option) => opts[option] !== undefined);
          if (keyOnly.length > 0) throw new UsageError(`--${keyOnly[0]} goes with --email (a key you give keeps its own scopes and name).`);
          key = (opts.key ?? (await readSecret("API key (mh_…): "))).trim();
          if (!key) throw new UsageError("No API key given.");
          if (!KEY_FORMAT.test(key)) throw new UsageError("That is not a Message Hub API key (they look like mh_xxxxxxxx_…).");
        }

        const client = new ApiClient({ server, token: key, debug });
        /** @type {Me} */
        const me = await withSpinner(`Checking the key with ${server}`, () => client.get("/api/v1/me"));
        config.profiles[name] = { server, token: key, user: me.user.email };
        const makeDefault = Boolean(opts.default) || !config.defaultProfile || !config.profiles[config.defaultProfile];
        if (makeDefault) config.defaultProfile = name;
        saveConfig(config);

        if (ctx.json) return ctx.printJson({ profile: name, default: config.defaultProfile === name, server, user: me.user, auth: me.auth });
        ctx.print(`Logged in to ${server} as ${me.user.name} <${me.user.email}> (profile '${name}'${config.defaultProfile === name ? ", the default" : ""}).`);
        ctx.print(`Key scopes: ${me.auth.scopes.join(", ")}`);
        if (config.defaultProfile !== name) ctx.note(`Use it with --profile ${name}, or make it the default: message-hub config set default-profile ${name}`);
      }),
    );

  program
    .command("logout")
    .description("forget the profile's API key (and with --revoke, revoke it on the server first)")
    .option("--revoke", "revoke the key on the server, so it stops working everywhere")
    .addHelpText("after", examples("message-hub logout", "message-hub logout --profile work --revoke"))
    .action(
      action(async (ctx, opts) => {
        const config = loadConfig();
        const profile = resolveProfile(config, ctx.profileFlag);
        const stored = config.profiles[profile.name];
        if (!stored?.token) throw new CliError(`Profile '${profile.name}' holds no API key.`, { exitCode: EXIT.usage });
        /** @type {string | null} */
        let revoked = null;
        if (opts.revoke) {
          if (!stored.server) throw new UsageError(`Profile '${profile.name}' has no server to revoke the key on.`);
          const client = new ApiClient({ server: stored.server, token: stored.token, debug: ctx.debug ? ctx.debugLine : undefined });
          /** @type {Me} */
          const me = await client.get("/api/v1/me");
          if (!me.auth.apiKeyId) throw new CliError("The server did not say which key this is; revoke it with `message-hub keys revoke ID`.");
          await client.delete(`/api/v1/api-keys/${segment(me.auth.apiKeyId)}`);
          revoked = me.auth.apiKeyId;
        }
        delete stored.token;
        delete stored.user;
        saveConfig(config);
        if (ctx.json) return ctx.printJson({ profile: profile.name, revoked });
        ctx.print(`Logged out of profile '${profile.name}'${revoked ? ` and revoked key ${revoked}` : ""}.`);
        if (!revoked) ctx.note("The key itself still works until it is revoked (message-hub keys revoke ID, or logout --revoke).");
        if (cliEnvironment().token) ctx.note("MESSAGE_HUB_TOKEN is set in this shell and still overrides the profile.");
      }),
    );

  program
    .command("whoami")
    .description("show who the API key belongs to, its scopes, and which server and profile are in use")
    .addHelpText("after", examples("message-hub whoami", "message-hub --json whoami | jq -r .user.email"))
    .action(
      action(async (ctx) => {
        const api = ctx.api();
        const profile = ctx.profile();
        /** @type {Me} */
        const me = await withSpinner("Asking the server", () => api.get("/api/v1/me"));
        if (ctx.json) return ctx.printJson({ ...me, server: api.server, profile: profile.name });
        ctx.pairs([
          ["User", `${me.user.name} <${me.user.email}>`],
          ["Id", me.user.id],
          ["Role", me.user.role],
          ["Server", `${api.server}${profile.sources.server === "MESSAGE_HUB_URL" ? " (from MESSAGE_HUB_URL)" : ""}`],
          ["Profile", profile.name],
          ["Key", `${me.auth.apiKeyId ?? "(none)"}${profile.sources.token === "MESSAGE_HUB_TOKEN" ? " (from MESSAGE_HUB_TOKEN)" : ""}${me.auth.deviceId ? `, device ${me.auth.deviceId}` : ""}`],
          ["Scopes", me.auth.scopes.join(", ")],
        ]);
      }),
    );

  const config = program
    .command("config")
    .description("read and change the CLI's settings and profiles")
    .addHelpText(
      "after",
      `${examples(
        "message-hub config list",
        "message-hub config get server",
        "message-hub config set server https://hub.example.com --profile work",
        "message-hub config set default-profile work",
      )}
Keys: server, token (per profile; --profile picks one), default-profile.
The file lives at ${configPath()}.
`,
    );

  config
    .command("list", { isDefault: true })
    .description("show every profile (keys masked) and the environment overrides in effect")
    .addHelpText("after", examples("message-hub config list", "message-hub --json config list | jq .profiles"))
    .action(
      action(async (ctx) => {
        const file = configPath();
        const data = loadConfig(file);
        const env = cliEnvironment();
        const profiles = Object.fromEntries(Object.entries(data.profiles).map(([name, p]) => [name, { server: p.server ?? null, token: p.token ? maskToken(p.token) : null, user: p.user ?? null }]));
        const overrides = { MESSAGE_HUB_URL: env.url ?? null, MESSAGE_HUB_TOKEN: env.token ? maskToken(env.token) : null, MESSAGE_HUB_PROFILE: env.profile ?? null };
        if (ctx.json) return ctx.printJson({ file, defaultProfile: data.defaultProfile ?? null, profiles, env: overrides });
        ctx.print(`${ctx.colors.dim("file")}  ${file}`);
        const names = Object.keys(profiles);
        if (names.length === 0) ctx.print("No profiles yet: run `message-hub login --server URL`.");
        for (const name of names) {
          const p = profiles[name];
          ctx.print("");
          ctx.print(`${ctx.colors.bold(`[${name}]`)}${data.defaultProfile === name ? ctx.colors.green(" (default)") : ""}`);
          ctx.pairs([
            ["server", p?.server ?? "(unset)"],
            ["token", p?.token ?? "(unset)"],
            ["user", p?.user],
          ]);
        }
        const active = Object.entries(overrides).filter(([, value]) => value !== null);
        if (active.length > 0) {
          ctx.print("");
          ctx.print(ctx.colors.bold("environment overrides"));
          ctx.pairs(active);
        }
      }),
    );

  config
    .command("get")
    .description("print one setting of the profile in use (environment overrides included)")
    .argument("<key>", "server, token, user or default-profile")
    .addHelpText("after", examples("message-hub config get server", 'curl -H "Authorization: Bearer $(message-hub config get token)" …'))
    .action(
      action(async (ctx, _opts, key) => {
        const data = loadConfig();
        /** @type {unknown} */
        let value;
        if (key === "default-profile") value = data.defaultProfile;
        else if (key === "server" || key === "token") value = resolveProfile(data, ctx.profileFlag)[/** @type {"server" | "token"} */ (key)];
        else if (key === "user") value = data.profiles[resolveProfile(data, ctx.profileFlag).name]?.user;
        else throw new UsageError(`Unknown setting '${key}'.`, { hint: "Settings: server, token, user, default-profile." });
        if (value === undefined || value === null) throw new CliError(`${key} is not set.`);
        if (ctx.json) return ctx.printJson({ key, value });
        ctx.print(String(value));
      }),
    );

  config
    .command("set")
    .description("change one setting of a profile (created if new)")
    .argument("<key>", "server, token or default-profile")
    .argument("<value>")
    .addHelpText("after", examples("message-hub config set server https://hub.example.com --profile work", "message-hub config set default-profile work"))
    .action(
      action(async (ctx, _opts, key, value) => {
        const data = loadConfig();
        const name = checkProfileName(ctx.profileFlag ?? cliEnvironment().profile ?? data.defaultProfile ?? "default");
        /** @type {string} */
        let stored;
        if (key === "default-profile") {
          const target = checkProfileName(value);
          if (!data.profiles[target]) throw new CliError(`There is no profile '${target}'.`, { exitCode: EXIT.usage, hint: `Known profiles: ${Object.keys(data.profiles).join(", ") || "none"}.` });
          data.defaultProfile = target;
          stored = target;
        } else if (key === "server" || key === "token") {
          const profile = (data.profiles[name] ??= {});
          if (key === "server") stored = profile.server = normaliseServerUrl(value);
          else {
            if (!KEY_FORMAT.test(value.trim())) throw new UsageError("That is not a Message Hub API key (they look like mh_xxxxxxxx_…).");
            stored = profile.token = value.trim();
            delete profile.user;
          }
          data.defaultProfile ??= name;
        } else throw new UsageError(`Unknown setting '${key}'.`, { hint: "Settable: server, token, default-profile." });
        saveConfig(data);
        const shown = key === "token" ? maskToken(stored) : stored;
        if (ctx.json) return ctx.printJson({ key, value: shown, profile: key === "default-profile" ? null : name });
        ctx.print(key === "default-profile" ? `The default profile is now '${stored}'.` : `Set ${key} of profile '${name}' to ${shown}.`);
      }),
    );
}

/**
 * Signs in with --email and a password, creates an API key with the session,
 * signs out, and answers the key. Every refusal is one line with exit 3
 * (exit 1 for the plain per-address rate limit, which is not about the
 * account).
 * @param {import("../context.mjs").Context} ctx
 * @param {string} server
 * @param {{ email: string, totp?: string, scope?: string[], name?: string, expires?: string }} opts
 * @returns {Promise<string>}
 */
async function mintKey(ctx, server, opts) {
  const email = opts.email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError(`'${opts.email}' is not an email address.`);
  const expiresAt = opts.expires ? parseInstant(opts.expires, "--expires", { future: true }).toISOString() : undefined;
  const fromTerminal = Boolean(process.stdin.isTTY);
  const password = await readSecret(`Password for ${email}: `);
  if (!password) throw new UsageError("No password given.", { hint: fromTerminal ? undefined : "Pipe it on stdin, for example: message-hub login --email … < password.txt" });

  const session = new HubSession({ server, debug: ctx.debug ? ctx.debugLine : undefined });
  let outcome = await withSpinner(`Signing in to ${server}`, () => session.signIn({ email, password, totp: opts.totp?.trim() }));
  if (!outcome.ok && outcome.reason === "totp_required") {
    if (!fromTerminal) throw new CliError("This account has two-factor sign-in on.", { exitCode: EXIT.auth, hint: "Give the code from your authenticator app (or a backup code) with --totp CODE." });
    const code = (await readSecret("Code from your authenticator app (or a backup code): ", { echo: true })).trim();
    if (!code) throw new CliError("No code given: two-factor sign-in needs one.", { exitCode: EXIT.auth });
    outcome = await withSpinner(`Signing in to ${server}`, () => session.signIn({ email, password, totp: code }));
  }
  if (!outcome.ok) throw signInFailure(outcome);

  try {
    const api = session.api();
    /** @type {Me} */
    const me = await api.get("/api/v1/me");
    const scopes = opts.scope ?? me.auth.scopes.filter((scope) => scope !== "admin");
    /** @type {{ apiKey: { id: string, name: string }, key: string }} */
    const created = await withSpinner("Creating an API key", () => api.post("/api/v1/api-keys", { name: opts.name ?? `cli@${hostname()}`, scopes, expiresAt }));
    ctx.note(`Created API key ${created.apiKey.id} "${created.apiKey.name}" (revoke it with: message-hub keys revoke ${created.apiKey.id}).`);
    return created.key;
  } finally {
    await session.signOut().catch((/** @type {unknown} */ error) => ctx.debugLine(`signing the session out failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** @param {Exclude<import("../session.mjs").SignInOutcome, { ok: true }>} outcome */
function signInFailure(outcome) {
  const auth = { exitCode: EXIT.auth };
  switch (outcome.reason) {
    case "invalid":
      return new CliError("That email and password do not match an account.", auth);
    case "deactivated":
      return new CliError("This account has been deactivated; ask an administrator to reactivate it.", auth);
    case "totp_required":
      return new CliError("This account has two-factor sign-in on.", { ...auth, hint: "Give the code with --totp CODE." });
    case "totp_invalid":
      return new CliError("That two-factor code is not right (codes change every 30 seconds; each works once).", auth);
    case "locked_out":
      return new CliError(`Too many failed sign-in attempts: try again in ${formatWait(outcome.retryAfterSeconds ?? 60)}.`, auth);
    case "rate_limited":
      return new CliError(`Too many sign-in attempts from this address: try again in ${formatWait(outcome.retryAfterSeconds ?? 60)}.`);
    default:
      return new CliError(`Sign-in failed: ${outcome.detail ?? "the server gave no reason"}.`);
  }
}

/**
 * A secret: the first line of stdin when it is piped, else asked for on the
 * terminal without echoing what is typed (unless `echo`).
 * @param {string} question
 * @param {{ echo?: boolean }} [options]
 * @returns {Promise<string>}
 */
async function readSecret(question, options = {}) {
  if (!process.stdin.isTTY) {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(/** @type {Buffer} */ (chunk));
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (!options.echo) {
      // Echo the question, never what is typed.
      /** @type {{ _writeToOutput: (text: string) => void }} */ (/** @type {unknown} */ (rl))._writeToOutput = (text) => {
        if (text.includes(question)) process.stderr.write(text);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (!options.echo) process.stderr.write("\n");
      resolve(answer);
    });
  });
}
