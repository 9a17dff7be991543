import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Option } from "commander";
import { segment } from "../api.mjs";
import { parseInstant } from "../dates.mjs";
import { ApiError, CliError, EXIT, UsageError } from "../errors.mjs";
import { action, examples, integer, list } from "../options.mjs";
import { block, longTime, shortTime } from "../output.mjs";
import { formatBytes, progressBar, withSpinner } from "../progress.mjs";

/**
 * The inbox: list, show, list threads, mark read or unread, tag, delete and
 * export messages (GET/PATCH/DELETE /api/v1/messages…, GET
 * /api/v1/messages/threads, POST /api/v1/messages/read and /unread, GET
 * /api/v1/messages/export).
 */

export const MESSAGE_TYPES = ["sms", "mms", "notification", "call", "email", "chat", "other"];

/**
 * @typedef {object} Message
 * @property {string} id
 * @property {string | null} deviceId
 * @property {string} type
 * @property {string} sender
 * @property {string | null} recipient
 * @property {string} body
 * @property {string | null} title
 * @property {string | null} app
 * @property {string | null} threadKey
 * @property {string} priority
 * @property {string[]} tags
 * @property {string} receivedAt
 * @property {string | null} sentAt
 * @property {boolean} read
 * @property {string | null} readAt
 * @property {number} position
 * @property {string} createdAt
 * @property {boolean} [deleted]
 */

/** @typedef {{ data: Message[], nextCursor: string | null, hasMore: boolean }} MessagePage */

/** @typedef {{ key: string, lastMessage: Message, messageCount: number, unreadCount: number, lastReceivedAt: string }} Thread */

/**
 * The filter flags shared by messages, mark-read --all and export.
 * @param {import("commander").Command} command
 */
function filterOptions(command) {
  return command
    .option("-d, --device <id>", "only this device's messages")
    .option("-t, --type <type>", `only these types (repeat or comma-separate): ${MESSAGE_TYPES.join(", ")}`, list(MESSAGE_TYPES))
    .option("--tag <tag>", "only messages holding every given tag (repeat or comma-separate)", list())
    .option("--since <when>", 'received at or after: ISO 8601, a date, or words ("yesterday", "2 hours ago")')
    .option("--until <when>", "received before (same forms as --since)");
}

/** @param {{ device?: string, type?: string[], tag?: string[], since?: string, until?: string }} opts */
function filterQuery(opts) {
  return {
    device: opts.device,
    type: opts.type,
    tag: opts.tag,
    since: opts.since ? parseInstant(opts.since, "--since").toISOString() : undefined,
    until: opts.until ? parseInstant(opts.until, "--until").toISOString() : undefined,
  };
}

/** @param {Message} message */
function preview(message) {
  return message.title ? `${message.title}: ${message.body}` : message.body;
}

const LIST_EXAMPLES = examples(
  "message-hub messages",
  "message-hub messages --unread --type sms --since yesterday",
  'message-hub messages --search "verification code" --limit 5',
  "message-hub messages show msg_01j9…",
  "message-hub --json messages --device dev_01j9… | jq '.data[] | .body'",
);

/** @param {import("commander").Command} program */
export function registerMessages(program) {
  const messages = program
    .command("messages")
    .alias("inbox")
    .description("the inbox: list messages (the default), or show one")
    .addHelpText("after", `${LIST_EXAMPLES}\nThe filters are on \`message-hub messages list --help\`.\n`);

  filterOptions(
    messages
      .command("list", { isDefault: true })
      .description("list the inbox, newest first (or best match first with --search)")
      .option("-n, --limit <n>", "how many (1-500)", integer(1, 500), 20)
      .option("-u, --unread", "only unread messages")
      .option("-s, --search <words>", "full-text search on sender, title and body")
      .option("--thread <key>", "one conversation: a thread's key from `messages threads`"),
  )
    .option("--cursor <cursor>", "the next page (printed after a full page)")
    .addHelpText("after", LIST_EXAMPLES)
    .action(
      action(async (ctx, opts) => {
        const api = ctx.api();
        /** @type {MessagePage} */
        const page = await withSpinner("Loading messages", () =>
          api.get("/api/v1/messages", { ...filterQuery(opts), limit: opts.limit, read: opts.unread ? "false" : undefined, q: opts.search, thread: opts.thread, cursor: opts.cursor }),
        );
        if (ctx.json) return ctx.printJson(page);
        const { colors } = ctx;
        ctx.table(
          [
            // The header is a space so the column keeps its width when every message is read.
            { header: " ", value: (m) => (m.read ? "" : "•"), style: (cell) => colors.cyan(cell) },
            { header: "ID", keep: true, value: (m) => m.id, style: (cell) => colors.dim(cell) },
            { header: "RECEIVED", value: (m) => shortTime(m.receivedAt) },
            { header: "TYPE", value: (m) => m.type, drop: 2 },
            // Phone numbers fit in 16; the message text deserves the rest of an 80-column line.
            { header: "FROM", value: (m) => m.sender, max: 16, min: 8, style: (cell, m) => (m.read ? cell : colors.bold(cell)) },
            { header: "TAGS", value: (m) => m.tags.join(","), max: 16, drop: 3 },
            { header: "MESSAGE", value: preview, flex: true, min: 16 },
          ],
          page.data,
          "No messages match.",
        );
        if (page.hasMore && page.nextCursor) ctx.note(colors.dim(`More: message-hub messages --cursor ${page.nextCursor} (with the same filters)`));
      }),
    );

  messages
    .command("show")
    .description("show one message in full")
    .argument("<id>", "the message id (msg_…)")
    .addHelpText("after", examples("message-hub messages show msg_01j9…", "message-hub --json messages show msg_01j9… | jq .message.metadata"))
    .action(
      action(async (ctx, _opts, id) => {
        /** @type {{ message: Message & { metadata?: object, simSlot?: number | null, source?: string, externalId?: string | null } }} */
        const result = await ctx.api().get(`/api/v1/messages/${segment(id)}`);
        if (ctx.json) return ctx.printJson(result);
        const m = result.message;
        ctx.pairs([
          ["Id", m.id],
          ["From", m.sender],
          ["To", m.recipient],
          ["Type", m.type],
          ["Received", longTime(m.receivedAt)],
          ["Sent", m.sentAt ? longTime(m.sentAt) : null],
          ["Device", m.deviceId],
          ["App", m.app],
          ["Thread", m.threadKey],
          ["Priority", m.priority],
          ["Tags", m.tags.join(", ")],
          ["Read", m.readAt ? `yes, ${longTime(m.readAt)}` : "no"],
          ["Title", m.title],
        ]);
        ctx.print("");
        ctx.print(block(m.body));
      }),
    );

  messages
    .command("threads")
    .description("conversations, most recent first: each counterpart (thread key or sender) with its unread and message counts")
    .option("-d, --device <id>", "only this device's messages")
    .option("-n, --limit <n>", "how many (1-500)", integer(1, 500), 20)
    .option("--cursor <cursor>", "the next page (printed after a full page)")
    .addHelpText("after", examples("message-hub messages threads", 'message-hub messages --thread "+15551234567"   # one conversation\'s messages'))
    .action(
      action(async (ctx, opts) => {
        /** @type {{ data: Thread[], nextCursor: string | null, hasMore: boolean }} */
        const page = await withSpinner("Loading threads", () => ctx.api().get("/api/v1/messages/threads", { device: opts.device, limit: opts.limit, cursor: opts.cursor }));
        if (ctx.json) return ctx.printJson(page);
        const { colors } = ctx;
        ctx.table(
          [
            { header: "THREAD", keep: true, value: (t) => t.key, max: 24, style: (cell, t) => (t.unreadCount > 0 ? colors.bold(cell) : cell) },
            { header: "UNREAD", value: (t) => (t.unreadCount > 0 ? String(t.unreadCount) : ""), align: "right", style: (cell) => colors.cyan(cell) },
            { header: "MESSAGES", value: (t) => String(t.messageCount), align: "right", drop: 2 },
            { header: "LAST", value: (t) => shortTime(t.lastReceivedAt) },
            { header: "LAST MESSAGE", value: (t) => preview(t.lastMessage), flex: true, min: 16 },
          ],
          page.data,
          "No conversations yet.",
        );
        if (page.hasMore && page.nextCursor) ctx.note(colors.dim(`More: message-hub messages threads --cursor ${page.nextCursor}`));
      }),
    );

  registerMark(program, true);
  registerMark(program, false);

  program
    .command("delete")
    .description("delete messages by id (synced clients receive the deletion)")
    .argument("<ids...>", "message ids (msg_…)")
    .addHelpText("after", examples("message-hub delete msg_01j9…", "message-hub delete msg_01j9… msg_01j8…"))
    .action(
      action(async (ctx, _opts, ids) => {
        const api = ctx.api();
        const { done, missing } = await perId(ids, "Deleting", (id) => api.request("DELETE", `/api/v1/messages/${segment(id)}`));
        if (ctx.json) ctx.printJson({ deleted: done, notFound: missing });
        else if (done.length > 0) ctx.print(`Deleted ${done.length} ${done.length === 1 ? "message" : "messages"}.`);
        if (missing.length > 0) throw new CliError(`No message ${missing.join(", ")} (not found, already deleted, or not yours).`, { exitCode: EXIT.notFound });
      }),
    );

  program
    .command("tag")
    .description("add or remove a message's tags")
    .argument("<id>", "the message id (msg_…)")
    .option("-a, --add <tags>", "tags to add (repeat or comma-separate)", list())
    .option("-r, --remove <tags>", "tags to remove (repeat or comma-separate)", list())
    .addHelpText("after", examples("message-hub tag msg_01j9… --add bank,important", "message-hub tag msg_01j9… --remove important"))
    .action(
      action(async (ctx, opts, id) => {
        /** @type {string[]} */
        const add = (opts.add ?? []).map((/** @type {string} */ tag) => tag.toLowerCase());
        /** @type {string[]} */
        const remove = (opts.remove ?? []).map((/** @type {string} */ tag) => tag.toLowerCase());
        if (add.length === 0 && remove.length === 0) throw new UsageError("Give --add and/or --remove.");
        const api = ctx.api();
        /** @type {{ message: Message }} */
        const current = await api.get(`/api/v1/messages/${segment(id)}`);
        const tags = [...new Set([...current.message.tags.filter((tag) => !remove.includes(tag)), ...add])];
        /** @type {{ message: Message }} */
        const result = await api.patch(`/api/v1/messages/${segment(id)}`, { tags });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Tags of ${result.message.id}: ${result.message.tags.length > 0 ? result.message.tags.join(", ") : "(none)"}`);
      }),
    );

  filterOptions(
    program
      .command("export")
      .description("stream messages to a file as CSV, JSON or NDJSON, oldest first (constant memory, any size)")
      .addOption(new Option("-f, --format <format>", "the file format (default: from the file name, else json)").choices(["csv", "json", "ndjson"]))
      .option("-o, --output <file>", "where to write ('-' for stdout)", "-")
      .option("-u, --unread", "only unread messages"),
  )
    .addHelpText(
      "after",
      examples("message-hub export -o inbox.csv", "message-hub export --format ndjson --since 2024-01-01 -o 2024.ndjson", "message-hub export --format json --device dev_01j9… | jq length"),
    )
    .action(
      action(async (ctx, opts) => {
        /** @type {string} */
        const output = opts.output;
        const format = opts.format ?? (/\.(csv|ndjson|json)$/i.exec(output)?.[1]?.toLowerCase() ?? "json");
        const api = ctx.api();
        const query = { ...filterQuery(opts), read: opts.unread ? "false" : undefined, format };
        const response = await withSpinner("Starting the export", () => api.raw("GET", "/api/v1/messages/export", { query, timeoutMs: null }));
        if (!response.body) throw new CliError("The server sent an empty export.");

        const counter = recordCounter(format);
        const toFile = output !== "-";
        const temp = `${output}.partial`;
        const bar = progressBar(toFile ? `Exporting to ${output}` : "Exporting");
        const started = Date.now();
        let bytes = 0;
        const meter = new Transform({
          transform(chunk, _encoding, callback) {
            bytes += chunk.length;
            counter.feed(chunk);
            const seconds = Math.max(0.001, (Date.now() - started) / 1000);
            bar.set(counter.records(), `${counter.records().toLocaleString("en")} messages · ${formatBytes(bytes)} · ${formatBytes(bytes / seconds)}/s`);
            callback(null, chunk);
          },
        });
        try {
          // The body is pulled as the file takes it: one chunk in memory at a time.
          const source = Readable.fromWeb(/** @type {import("node:stream/web").ReadableStream<Uint8Array>} */ (response.body));
          // A private inbox: the file is readable by its owner only.
          if (toFile) await pipeline(source, meter, createWriteStream(temp, { mode: 0o600 }));
          else await pipeline(source, meter, process.stdout, { end: false });
        } catch (error) {
          bar.stop();
          if (toFile) await unlink(temp).catch(() => {});
          throw new CliError(`The export stopped part-way (${/** @type {Error} */ (error).message}); nothing was written.`, { cause: error });
        }
        bar.stop();
        if (!counter.complete()) {
          if (toFile) await unlink(temp).catch(() => {});
          throw new CliError("The export ended early: the server closed the stream before the end. Nothing was written; try again.");
        }
        if (toFile) await rename(temp, output);
        const summary = { file: toFile ? output : null, format, messages: counter.records(), bytes, seconds: Number(((Date.now() - started) / 1000).toFixed(2)) };
        if (ctx.json && toFile) return ctx.printJson(summary);
        const count = `${summary.messages.toLocaleString("en")} ${summary.messages === 1 ? "message" : "messages"}`;
        if (toFile) ctx.print(`Exported ${count} (${formatBytes(bytes)}) to ${output} in ${summary.seconds} s.`);
        else ctx.note(`Exported ${count} (${formatBytes(bytes)}).`);
      }),
    );
}

/**
 * Counts the records of an export as it streams past, without holding it:
 * a small state machine per format that also tells whether the stream
 * ended where a complete export ends.
 * @param {string} format
 * @returns {{ feed: (chunk: Buffer) => void, records: () => number, complete: () => boolean }}
 */
export function recordCounter(format) {
  let count = 0;
  let last = -1;
  let total = 0;
  if (format === "ndjson") {
    return {
      feed(chunk) {
        for (const byte of chunk) if (byte === 0x0a) count++;
        total += chunk.length;
        if (chunk.length > 0) last = chunk[chunk.length - 1] ?? -1;
      },
      records: () => count,
      complete: () => total === 0 || last === 0x0a,
    };
  }
  if (format === "csv") {
    let quoted = false;
    let lines = 0;
    return {
      feed(chunk) {
        for (const byte of chunk) {
          if (byte === 0x22) quoted = !quoted;
          else if (byte === 0x0a && !quoted) lines++;
        }
        total += chunk.length;
        if (chunk.length > 0) last = chunk[chunk.length - 1] ?? -1;
        count = Math.max(0, lines - 1);
      },
      records: () => count,
      complete: () => !quoted && lines >= 1 && last === 0x0a,
    };
  }
  // json: one array of objects; count the objects that open at depth 1.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let opened = false;
  let closed = false;
  return {
    feed(chunk) {
      for (const byte of chunk) {
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === 0x5c) escaped = true;
          else if (byte === 0x22) inString = false;
          continue;
        }
        if (byte === 0x22) inString = true;
        else if (byte === 0x5b || byte === 0x7b) {
          if (byte === 0x7b && depth === 1) count++;
          if (depth === 0) opened = true;
          depth++;
        } else if (byte === 0x5d || byte === 0x7d) {
          depth--;
          if (depth === 0 && opened) closed = true;
        }
      }
    },
    records: () => count,
    complete: () => closed && depth === 0,
  };
}

/**
 * mark-read and mark-unread: by ids, one PUT or DELETE per id, or every
 * match of the filters with --all, one bulk POST.
 * @param {import("commander").Command} program
 * @param {boolean} read
 */
function registerMark(program, read) {
  const state = read ? "read" : "unread";
  const name = `mark-${state}`;
  const filtered = read ? "unread" : "read";
  filterOptions(
    program
      .command(name)
      .description(`mark messages ${state}: by id, or every match of a filter with --all`)
      .argument("[ids...]", "message ids (msg_…)")
      .option("-a, --all", `every ${filtered} message matching the filters (all of them without filters)`),
  )
    .addHelpText(
      "after",
      examples(`message-hub ${name} msg_01j9… msg_01j8…`, `message-hub ${name} --all --device dev_01j9…`, `message-hub ${name} --all --type notification --until yesterday`),
    )
    .action(
      action(async (ctx, opts, ids) => {
        /** @type {string[]} */
        const list = ids ?? [];
        const filtering = Boolean(opts.device || opts.type || opts.tag || opts.since || opts.until);
        if (opts.all && list.length > 0) throw new UsageError("Give message ids or --all, not both.");
        if (!opts.all && list.length === 0) throw new UsageError("Which messages? Give their ids, or --all (with filters such as --device).");
        if (!opts.all && filtering) throw new UsageError("--device, --type, --tag, --since and --until go with --all.");
        const api = ctx.api();
        const counted = (/** @type {number} */ n) => `Marked ${n} ${n === 1 ? "message" : "messages"} ${state}.`;
        if (opts.all) {
          const { device, type, tag, since, until } = filterQuery(opts);
          /** @type {Record<string, unknown>} */
          const filter = { device, type, tag, since, until };
          for (const key of Object.keys(filter)) if (filter[key] === undefined) delete filter[key];
          /** @type {{ updated: number }} */
          const result = await withSpinner(`Marking messages ${state}`, () => api.request("POST", `/api/v1/messages/${state}`, { body: { filter }, timeoutMs: 600_000 }));
          if (ctx.json) return ctx.printJson(result);
          ctx.print(counted(result.updated));
          return;
        }
        // One request per id: it is idempotent and says 404 for an id that
        // is not the caller's, which the bulk route (a count) cannot.
        const { done: marked, missing } = await perId(list, `Marking ${state}`, (id) => api.request(read ? "PUT" : "DELETE", `/api/v1/messages/${segment(id)}/read`));
        if (ctx.json) ctx.printJson({ marked, notFound: missing });
        else if (marked.length > 0) ctx.print(counted(marked.length));
        if (missing.length > 0) throw new CliError(`No message ${missing.join(", ")} (not found, deleted, or not yours).`, { exitCode: EXIT.notFound });
      }),
    );
}

/**
 * Runs `request` once per distinct id, four at a time, with a progress bar
 * past ten ids. An id the server answers 404 for (not found, deleted, or
 * not the caller's) is collected in `missing`; any other error stops it.
 * @param {string[]} ids
 * @param {string} label
 * @param {(id: string) => Promise<unknown>} request
 * @returns {Promise<{ done: string[], missing: string[] }>}
 */
async function perId(ids, label, request) {
  const bar = ids.length > 10 ? progressBar(label, { total: ids.length }) : undefined;
  /** @type {string[]} */
  const done = [];
  /** @type {string[]} */
  const missing = [];
  let finished = 0;
  const queue = [...new Set(ids)];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await request(id);
        done.push(id);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) missing.push(id);
        else throw error;
      } finally {
        bar?.set(++finished);
      }
    }
  };
  try {
    await Promise.all([worker(), worker(), worker(), worker()]);
  } finally {
    bar?.stop();
  }
  return { done, missing };
}
