import { hostname } from "node:os";
import { segment } from "../api.mjs";
import { parseInstant } from "../dates.mjs";
import { action, examples, list } from "../options.mjs";
import { relativeTime, shortTime } from "../output.mjs";
import { withSpinner } from "../progress.mjs";

/**
 * API keys: list, create (the secret printed once), revoke
 * (/api/v1/api-keys…). A key can only hold scopes its creator's key holds.
 */

/** For help and completion; the server checks the scopes, so a newer server's are accepted too. */
export const SCOPES = ["messages:read", "messages:write", "devices:write", "rooms:read", "rooms:write", "tasks:read", "tasks:write", "webhooks:read", "webhooks:write", "admin"];

/**
 * @typedef {object} ApiKey
 * @property {string} id
 * @property {string} name
 * @property {string} prefix
 * @property {string[]} scopes
 * @property {string | null} deviceId
 * @property {string | null} expiresAt
 * @property {string | null} lastUsedAt
 * @property {string} createdAt
 */

const EXAMPLES = examples("message-hub keys", "message-hub keys create --name ci --scope messages:read,tasks:read --expires 'in 90 days'", "message-hub keys revoke key_01j9…");

/** @param {import("commander").Command} program */
export function registerKeys(program) {
  const keys = program
    .command("keys")
    .description("API keys: list them (the default), create, revoke")
    .addHelpText("after", EXAMPLES);

  keys
    .command("list", { isDefault: true })
    .description("list your API keys (never their secrets)")
    .addHelpText("after", EXAMPLES)
    .action(
      action(async (ctx) => {
        /** @type {{ data: ApiKey[] }} */
        const result = await withSpinner("Loading keys", () => ctx.api().get("/api/v1/api-keys"));
        if (ctx.json) return ctx.printJson(result);
        const { colors } = ctx;
        ctx.table(
          [
            { header: "ID", keep: true, value: (k) => k.id, style: (cell) => colors.dim(cell) },
            { header: "NAME", value: (k) => (k.deviceId ? `${k.name} (device)` : k.name), max: 24, min: 8 },
            { header: "PREFIX", value: (k) => k.prefix, drop: 3 },
            { header: "LAST USED", value: (k) => relativeTime(k.lastUsedAt) || "never", drop: 2 },
            { header: "EXPIRES", value: (k) => (k.expiresAt ? shortTime(k.expiresAt) : ""), drop: 1, style: (cell, k) => (k.expiresAt && Date.parse(k.expiresAt) < Date.now() ? colors.red(cell) : cell) },
            { header: "SCOPES", value: (k) => k.scopes.join(","), flex: true, min: 10 },
          ],
          result.data,
          "No keys.",
        );
      }),
    );

  keys
    .command("create")
    .description("create an API key and print its secret (shown once)")
    .requiredOption("--scope <scopes>", `scopes (repeat or comma-separate): ${SCOPES.join(", ")}`, list())
    .option("--name <name>", "what it is for (default: cli@<this host>)")
    .option("--expires <when>", 'when it stops working: ISO 8601, a date or words ("in 90 days")')
    .addHelpText(
      "after",
      `${examples("message-hub keys create --scope messages:read", "message-hub keys create --name grafana --scope messages:read,tasks:read --expires 'in 90 days'", "message-hub --json keys create --scope tasks:write | jq -r .key")}
A key can hold only scopes the key you are using holds.
`,
    )
    .action(
      action(async (ctx, opts) => {
        const expiresAt = opts.expires ? parseInstant(opts.expires, "--expires", { future: true }).toISOString() : undefined;
        /** @type {{ apiKey: ApiKey, key: string }} */
        const result = await ctx.api().post("/api/v1/api-keys", { name: opts.name ?? `cli@${hostname()}`, scopes: opts.scope, expiresAt });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Created ${result.apiKey.id} "${result.apiKey.name}" (${result.apiKey.scopes.join(", ")}${result.apiKey.expiresAt ? `, expires ${shortTime(result.apiKey.expiresAt)}` : ""}).`);
        ctx.print("The key, shown once:");
        ctx.print(`  ${ctx.colors.bold(result.key)}`);
      }),
    );

  keys
    .command("revoke")
    .description("revoke an API key: it stops working at once, and its live connections close")
    .argument("<id>", "the key id (key_…)")
    .addHelpText("after", examples("message-hub keys revoke key_01j9…"))
    .action(
      action(async (ctx, _opts, id) => {
        /** @type {{ apiKey: ApiKey }} */
        const result = await ctx.api().delete(`/api/v1/api-keys/${segment(id)}`);
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Revoked ${result.apiKey.id} "${result.apiKey.name}".`);
      }),
    );
}
