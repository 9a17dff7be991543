import { InvalidArgumentError } from "commander";
import { action, examples } from "../options.mjs";
import { relativeTime } from "../output.mjs";
import { withSpinner } from "../progress.mjs";

/**
 * Retention: how long messages are kept, for all of them and per device, and
 * what the scheduled job's last run deleted (GET|PUT
 * /api/v1/settings/retention; device names from GET /api/v1/devices).
 */

/**
 * @typedef {object} Retention
 * @property {number | null} days
 * @property {Array<{ deviceId: string, days: number }>} devices
 * @property {{ at: string, removed: number } | null} lastRun
 */

const EXAMPLES = examples(
  "message-hub retention",
  "message-hub retention set --days 90",
  "message-hub retention set --device dev_01j9… --days 7   # this phone's messages go sooner",
  "message-hub retention set --days off                    # keep everything",
);

/**
 * "off" (keep forever) or whole days from 1 to 36500. Returns "off" rather
 * than null, which commander would turn into "".
 * @param {string} value
 * @returns {number | "off"}
 */
function daysOrOff(value) {
  if (/^(off|never|forever)$/i.test(value.trim())) return "off";
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 36_500) throw new InvalidArgumentError("must be a whole number of days from 1 to 36500, or off.");
  return n;
}

/** @param {number} n */
const days = (n) => `${n} day${n === 1 ? "" : "s"}`;

/** @param {import("commander").Command} program */
export function registerRetention(program) {
  const retention = program
    .command("retention")
    .description("how long messages are kept: show the rules and the last run (the default), or set them")
    .addHelpText("after", EXAMPLES);

  retention
    .command("show", { isDefault: true })
    .description("show the rule for all messages, each device's own, and what the last run deleted")
    .addHelpText("after", EXAMPLES)
    .action(action(async (ctx) => print(ctx, await withSpinner("Loading retention", () => ctx.api().get("/api/v1/settings/retention")))));

  retention
    .command("set")
    .description("set or clear (off) the rule for all messages, or with --device for one device")
    .requiredOption("--days <n|off>", "delete messages older than this many days; off keeps them", daysOrOff)
    .option("--device <id>", "the device (dev_…) whose own rule this is; it overrides the rule for all")
    .addHelpText("after", EXAMPLES)
    .action(
      action(async (ctx, opts) => {
        const value = opts.days === "off" ? null : opts.days;
        const body = opts.device ? { devices: [{ deviceId: opts.device, days: value }] } : { days: value };
        await print(ctx, await ctx.api().put("/api/v1/settings/retention", body));
      }),
    );
}

/**
 * @param {import("../context.mjs").Context} ctx
 * @param {Retention} settings
 */
async function print(ctx, settings) {
  if (ctx.json) return ctx.printJson(settings);
  /** @type {Map<string, string>} */
  const names = new Map();
  if (settings.devices.length > 0) {
    /** @type {{ data: Array<{ id: string, name: string }> }} */
    const page = await ctx.api().get("/api/v1/devices", { limit: 500 });
    for (const device of page.data) names.set(device.id, device.name);
  }
  ctx.pairs([
    ["All messages", settings.days === null ? "kept forever" : `deleted after ${days(settings.days)}`],
    ...settings.devices.map((rule) => /** @type {[string, unknown]} */ ([names.get(rule.deviceId) ?? rule.deviceId, `deleted after ${days(rule.days)} (${rule.deviceId})`])),
    ["Last run", lastRun(settings)],
  ]);
}

/** @param {Retention} settings */
function lastRun(settings) {
  const run = settings.lastRun;
  if (!run) return settings.days === null && settings.devices.length === 0 ? "never (no rule set)" : "not yet: the job applies the rules on its next scheduled run";
  return `${relativeTime(run.at)}: ${run.removed === 0 ? "nothing was old enough to delete" : `deleted ${run.removed} message${run.removed === 1 ? "" : "s"}`}`;
}
