import { InvalidArgumentError } from "commander";
import { makeContext } from "./context.mjs";

/**
 * What every command definition shares: the action wrapper that hands the
 * action its context, option value parsers (a bad value is commander's
 * usage error, exit 2), and the examples block of --help.
 */

/**
 * Wraps an action: (context, options, ...arguments).
 * @param {(ctx: import("./context.mjs").Context, opts: any, ...args: any[]) => Promise<void>} handler
 * @returns {(...args: any[]) => Promise<void>}
 */
export function action(handler) {
  return async (...args) => {
    const command = /** @type {import("commander").Command} */ (args[args.length - 1]);
    const opts = args[args.length - 2];
    await handler(makeContext(command), opts, ...args.slice(0, -2));
  };
}

/** @param {string[]} lines `message-hub …` invocations, each with an optional "  # why" */
export function examples(...lines) {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

/**
 * An integer option in [min, max].
 * @param {number} min
 * @param {number} max
 */
export function integer(min, max) {
  /** @param {string} value */
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/**
 * A repeatable, comma-separable option: --tag a --tag b,c → ["a","b","c"].
 * @param {readonly string[]} [allowed]
 */
export function list(allowed) {
  /** @param {string} value @param {string[] | undefined} previous */
  return (value, previous) => {
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    if (allowed) {
      const bad = items.filter((item) => !allowed.includes(item));
      if (bad.length > 0) throw new InvalidArgumentError(`${bad.join(", ")} is not one of ${allowed.join(", ")}.`);
    }
    return [...(previous ?? []), ...items];
  };
}
