import { createInterface } from "node:readline";
import { ApiClient, segment } from "../api.mjs";
import { checkProfileName, cliEnvironment, configPath, loadConfig, maskToken, normaliseServerUrl, resolveProfile, saveConfig } from "../config.mjs";
import { CliError, EXIT, UsageError } from "../errors.mjs";
import { action, examples } from "../options.mjs";
import { withSpinner } from "../progress.mjs";

/**
 * login, logout, whoami and config: which server and key each command uses.
 *
 * Login takes an API key. The hub has no API route that trades an email and
 * password for a key (people sign in to the web app through next-auth, which
 * is a browser flow with CSRF and two-factor steps), so the CLI does not
 * imitate a browser: create a key in the web app, or with `message-hub keys
 * create` from a profile that already has one.
 */

/** @typedef {{ user: { id: string, email: string, name: string, role: string, timezone?: string }, auth: { via: string, scopes: string[], apiKeyId: string | null, deviceId: string | null } }} Me */

const KEY_FORMAT = /^mh_[0-9a-z]{8}_[0-9A-Za-z_-]{32,64}$/;

/** @param {import("commander").Command} program */
export function registerAccount(program) {
  program
    .command("login")
    .description("save a server and API key as a profile (checks the key with the server first)")
    .option("-s, --server <url>", "the hub's address, for example https://hub.example.com")
    .option("-k, --key <key>", "the API key (mh_…); without it the key is read from stdin, or asked for on a terminal")
    .option("--default", "make this profile the default one")
    .addHelpText(
      "after",
      `${examples(
        "message-hub login --server https://hub.example.com          # asks for the key",
        "echo \"$HUB_KEY\" | message-hub login --server http://localhost:3000",
        "message-hub login --server https://work.example.com --profile work --default",
      )}
The key is checked with GET /api/v1/me, then saved in ${configPath()}
(mode 0600). Only API keys are accepted: the hub has no API that trades an email
and password for a key. Create a key in the web app, or run \`message-hub keys
create\` from a profile that has one.
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
        const key = (opts.key ?? (await readKey())).trim();
        if (!key) throw new UsageError("No API key given.");
        if (!KEY_FORMAT.test(key)) throw new UsageError("That is not a Message Hub API key (they look like mh_xxxxxxxx_…).");

        const client = new ApiClient({ server, token: key, debug: ctx.debug ? ctx.debugLine : undefined });
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

/** The key from stdin when piped, else asked for (not echoed) on a terminal. */
async function readKey() {
  if (!process.stdin.isTTY) {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(/** @type {Buffer} */ (chunk));
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  const question = "API key (mh_…): ";
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo the question, never what is typed.
    /** @type {{ _writeToOutput: (text: string) => void }} */ (/** @type {unknown} */ (rl))._writeToOutput = (text) => {
      if (text.includes(question)) process.stderr.write(text);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}
