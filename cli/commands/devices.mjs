import { Option } from "commander";
import { segment } from "../api.mjs";
import { action, examples, integer } from "../options.mjs";
import { relativeTime } from "../output.mjs";
import { withSpinner } from "../progress.mjs";

/**
 * Phones and other senders: list them with their status, register one (its
 * key printed once, with a QR code the phone can scan), revoke one
 * (GET /api/v1/devices, POST /api/v1/devices/register, PATCH
 * /api/v1/devices/{id} {revoked: true}).
 */

/**
 * @typedef {object} Device
 * @property {string} id
 * @property {string} name
 * @property {string | null} platform
 * @property {string | null} phoneNumber
 * @property {number | null} battery
 * @property {"online" | "stale" | "offline"} status
 * @property {string | null} lastSeenAt
 * @property {string | null} revokedAt
 * @property {number} messageCount
 */

export const INGEST_FORMATS = ["smsgate", "smsforwarder", "sms-to-url", "generic"];

const EXAMPLES = examples("message-hub devices", 'message-hub devices register "Pixel 8"', "message-hub devices revoke dev_01j9…");

/** @param {import("commander").Command} program */
export function registerDevices(program) {
  const devices = program
    .command("devices")
    .description("phones and other senders: list them (the default), register, revoke")
    .addHelpText("after", EXAMPLES);

  devices
    .command("list", { isDefault: true })
    .description("list devices with their status (online: seen in the last 5 minutes, stale: the last hour)")
    .option("-n, --limit <n>", "how many (1-500)", integer(1, 500), 50)
    .addHelpText("after", EXAMPLES)
    .action(
      action(async (ctx, opts) => {
        /** @type {{ data: Device[], hasMore: boolean }} */
        const page = await withSpinner("Loading devices", () => ctx.api().get("/api/v1/devices", { limit: opts.limit }));
        if (ctx.json) return ctx.printJson(page);
        const { colors } = ctx;
        /** @param {Device} d */
        const status = (d) => (d.revokedAt ? "revoked" : d.status);
        const paint = /** @type {Record<string, (text: string) => string>} */ ({ online: colors.green, stale: colors.yellow, offline: colors.dim, revoked: colors.red });
        ctx.table(
          [
            { header: "ID", keep: true, value: (d) => d.id, style: (cell) => colors.dim(cell) },
            { header: "NAME", value: (d) => d.name, flex: true, min: 10 },
            { header: "STATUS", value: status, style: (cell, d) => (paint[status(d)] ?? String)(cell) },
            { header: "LAST SEEN", value: (d) => relativeTime(d.lastSeenAt) || "never" },
            { header: "MESSAGES", value: (d) => String(d.messageCount), align: "right" },
            { header: "PLATFORM", value: (d) => d.platform ?? "", drop: 2, max: 12 },
            { header: "BATTERY", value: (d) => (d.battery === null ? "" : `${d.battery}%`), drop: 3, align: "right" },
          ],
          page.data,
          "No devices yet: register one with `message-hub devices register NAME`.",
        );
      }),
    );

  devices
    .command("register")
    .description("register a device and print its API key (once) with a QR code to scan on the phone")
    .argument("<name>", "a name you will recognise, such as \"Pixel 8\"")
    .option("--platform <platform>", "android, ios, …")
    .option("--phone-number <number>", "the device's phone number")
    .addOption(new Option("--ingest <app>", "encode the forwarder webhook URL for this app (key included) in the QR code instead of the bare key").choices(INGEST_FORMATS))
    .option("--no-qr", "do not draw the QR code")
    .addHelpText(
      "after",
      `${examples('message-hub devices register "Pixel 8" --platform android', 'message-hub devices register "Old phone" --ingest smsforwarder', 'message-hub --json devices register "CI phone" | jq -r .key')}
The key is shown once. It has the ingest and sync scopes and belongs to this
device only. docs/forwarders.md shows what to type into each forwarder app.
`,
    )
    .action(
      action(async (ctx, opts, name) => {
        const api = ctx.api();
        /** @type {{ device: Device, apiKey: { id: string, prefix: string, scopes: string[] }, key: string }} */
        const result = await api.post("/api/v1/devices/register", { name, platform: opts.platform, phoneNumber: opts.phoneNumber });
        if (ctx.json) return ctx.printJson(result);
        const webhook = opts.ingest ? `${api.server}/api/v1/ingest/${opts.ingest}?key=${encodeURIComponent(result.key)}` : null;
        ctx.print(`Registered ${ctx.colors.bold(result.device.name)} (${result.device.id}).`);
        ctx.print("");
        ctx.print(`API key, shown once (scopes: ${result.apiKey.scopes.join(", ")}):`);
        ctx.print(`  ${ctx.colors.bold(result.key)}`);
        if (webhook) {
          ctx.print("");
          ctx.print(`Webhook URL for ${opts.ingest}:`);
          ctx.print(`  ${webhook}`);
        }
        if (opts.qr) {
          ctx.print("");
          ctx.print(await qr(webhook ?? result.key));
          ctx.print(webhook ? "Scan it on the phone to copy the webhook URL." : "Scan it on the phone to copy the key.");
        }
      }),
    );

  devices
    .command("revoke")
    .description("revoke a device: its API keys stop working at once (its messages stay)")
    .argument("<id>", "the device id (dev_…)")
    .addHelpText("after", examples("message-hub devices revoke dev_01j9…"))
    .action(
      action(async (ctx, _opts, id) => {
        /** @type {{ device: Device }} */
        const result = await ctx.api().patch(`/api/v1/devices/${segment(id)}`, { revoked: true });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Revoked ${result.device.name} (${result.device.id}): its keys no longer work. Its messages stay in the inbox.`);
      }),
    );
}

/** A QR code drawn with half blocks: no colour codes, about 30 columns for a key. @param {string} text */
async function qr(text) {
  const { default: qrcode } = await import("qrcode-terminal");
  return new Promise((resolve) => qrcode.generate(text, { small: true }, (code) => resolve(code.replace(/\n$/, ""))));
}
