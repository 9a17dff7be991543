import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerAccount } from "./commands/account.mjs";
import { registerCompletion } from "./commands/completion.mjs";
import { registerDevices } from "./commands/devices.mjs";
import { registerKeys } from "./commands/keys.mjs";
import { registerMessages } from "./commands/messages.mjs";
import { registerRetention } from "./commands/retention.mjs";
import { registerRooms } from "./commands/rooms.mjs";
import { registerTail } from "./commands/tail.mjs";
import { registerTasks } from "./commands/tasks.mjs";
import { ApiError, CliError, EXIT } from "./errors.mjs";
import { colorEnabled, makeColors, oneLine } from "./output.mjs";
import { examples } from "./options.mjs";

/**
 * The `message-hub` program: global flags, every command, and the one place
 * failures become exit codes and a single line on stderr.
 */

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

export function buildProgram() {
  const program = new Command("message-hub")
    .description("Your Message Hub from the terminal: inbox, devices, incident rooms, tasks and API keys.")
    .version(pkg.version, "-V, --version", "print the CLI's version")
    .option("--json", "print machine-readable JSON (the API's own shapes) instead of tables")
    .option("-p, --profile <name>", "use this profile's server and key (default: $MESSAGE_HUB_PROFILE, then the default profile)")
    .option("--no-color", "never colour output (NO_COLOR=1 does the same; colour is only ever used on a terminal)")
    .option("--debug", "log HTTP requests to stderr and show stack traces on errors")
    .helpOption("-h, --help", "show help for a command")
    .helpCommand("help [command]", "show help for a command")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(run the command with --help for usage)")
    .exitOverride();

  program.addHelpText(
    "after",
    `${examples(
      "message-hub login --server https://hub.example.com",
      "message-hub messages --unread --limit 20",
      "message-hub tail",
      'message-hub tasks add "Pay rent" --due "1st 9am" --every "monthly on the 1st"',
      "message-hub --json messages --type sms | jq '.data[].body'",
    )}
Environment:
  MESSAGE_HUB_URL      server URL; overrides the profile's
  MESSAGE_HUB_TOKEN    API key; overrides the profile's
  MESSAGE_HUB_PROFILE  profile to use when --profile is not given
  MESSAGE_HUB_CONFIG   config file path (default: the OS config directory)
  NO_COLOR             set to turn colour off

Exit codes:
  0 ok, 1 error (including a server that cannot be reached), 2 usage,
  3 authentication or permission, 4 not found
`,
  );

  registerAccount(program);
  registerMessages(program);
  registerTail(program);
  registerDevices(program);
  registerRetention(program);
  registerRooms(program);
  registerTasks(program);
  registerKeys(program);
  registerCompletion(program);
  return program;
}

/**
 * Runs the CLI and answers the exit code. Nothing thrown escapes: a known
 * failure is one line on stderr, an unexpected one too (its stack only with
 * --debug).
 * @param {string[]} argv process.argv
 * @returns {Promise<number>}
 */
export async function run(argv) {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    return report(error, argv.includes("--debug"));
  }
}

/**
 * @param {unknown} error
 * @param {boolean} debug
 */
function report(error, debug) {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
    return EXIT.usage;
  }
  const colors = makeColors(colorEnabled(process.stderr));
  if (error instanceof CliError) {
    let line = oneLine(error.message);
    if (error instanceof ApiError && error.requestId && (error.status >= 500 || debug)) line += ` (request ${error.requestId})`;
    if (error.hint) line = `${line.replace(/\.$/, "")} — ${oneLine(error.hint)}`;
    process.stderr.write(`${colors.red("error:")} ${line}\n`);
    if (debug && error.cause instanceof Error && error.cause.stack) process.stderr.write(`${error.cause.stack}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const err = /** @type {Error} */ (error);
  process.stderr.write(`${colors.red("error:")} ${oneLine(err?.message ?? String(error))}${debug ? "" : " (run with --debug for details)"}\n`);
  if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.error;
}
