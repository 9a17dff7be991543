import { ApiError } from "../errors.mjs";
import { action, examples, integer } from "../options.mjs";
import { displayWidth, oneLine, truncate } from "../output.mjs";
import { coalesce, openLive } from "../realtime.mjs";

/**
 * `tail`: new inbox messages as they arrive, and none missed.
 *
 * The socket's `hub:message` event is a prompt, not the data: each one (and
 * each reconnect) pulls GET /api/v1/sync/messages from the cursor the
 * command holds, so what arrives while the connection is down is fetched on
 * reconnect, in order, exactly once. The cursor starts at the stream head
 * (GET /api/v1/sync/status) when the command starts. Sync also carries
 * changes to older messages (read, tagged, deleted); a message is shown
 * once, when it first appears, and only if it was created after the
 * command started (by the server's clock, less a margin for transactions
 * in flight at that moment).
 */

/** @typedef {import("./messages.mjs").Message} Message */

const SEEN_LIMIT = 10_000;
// created_at is the writing transaction's start; one that began just before the
// head was read can commit after it. Such a message must still show.
const CLOCK_MARGIN_MS = 60_000;

/** @param {import("commander").Command} program */
export function registerTail(program) {
  program
    .command("tail")
    .description("print new inbox messages as they arrive (live over Socket.IO; resumes after a network drop without missing any)")
    .option("-d, --device <id>", "only this device's messages")
    .option("-n, --count <n>", "exit after this many messages", integer(1, 1_000_000))
    .addHelpText(
      "after",
      `${examples(
        "message-hub tail",
        "message-hub tail --device dev_01j9…",
        "message-hub --json tail --count 1 | jq -r .body     # wait for the next message",
      )}
With --json each message is one JSON line (NDJSON). Status lines (connected,
reconnecting) go to stderr. Stop with Ctrl-C.
`,
    )
    .action(
      action(async (ctx, opts) => {
        const api = ctx.api();
        // The head of the change stream and the server's clock, read together.
        const response = await api.raw("GET", "/api/v1/sync/status");
        /** @type {{ head: string }} */
        const status = await response.json();
        const serverNow = Date.parse(response.headers.get("date") ?? "") || Date.now();
        let cursor = status.head;
        /** @type {Set<string>} */
        const seen = new Set();
        let printed = 0;
        let finished = false;

        /** @param {Message} message */
        const show = (message) => {
          if (ctx.json) {
            ctx.print(JSON.stringify(message));
            return;
          }
          const time = new Date(message.receivedAt).toLocaleTimeString("en-GB", { hour12: false });
          const sender = oneLine(message.sender);
          const head = `${time}  ${message.type.padEnd(5)} ${sender}  `;
          let text = oneLine(message.title ? `${message.title}: ${message.body}` : message.body);
          // On a terminal a message is one screen line; piped, it is whole.
          if (ctx.isTTY) text = truncate(text, Math.max(10, ctx.width - displayWidth(head)));
          ctx.print(`${ctx.colors.dim(time)}  ${message.type.padEnd(5)} ${ctx.colors.bold(sender)}  ${text}`);
        };

        /** @type {import("../realtime.mjs").LiveSession | undefined} */
        let session;
        const catchUp = coalesce(async () => {
          while (!finished) {
            /** @type {{ changes: Array<Message & { deleted: boolean }>, cursor: string, hasMore: boolean }} */
            let page;
            try {
              page = await api.get("/api/v1/sync/messages", { since: cursor, limit: 500, device: opts.device });
            } catch (error) {
              if (error instanceof ApiError) throw error;
              // Unreachable. If the socket is down too, its reconnect catches up;
              // if not, try again shortly.
              setTimeout(() => {
                if (session?.socket.connected) catchUp().catch((e) => session?.stop(e));
              }, 2_000).unref();
              return;
            }
            for (const change of page.changes) {
              if (finished) return;
              if (change.deleted || seen.has(change.id) || Date.parse(change.createdAt) < serverNow - CLOCK_MARGIN_MS) continue;
              seen.add(change.id);
              if (seen.size > SEEN_LIMIT) seen.delete(/** @type {string} */ (seen.values().next().value));
              show(change);
              printed++;
              if (opts.count && printed >= opts.count) {
                finished = true;
                session?.stop();
                return;
              }
            }
            cursor = page.cursor;
            if (!page.hasMore) return;
          }
        });

        session = await openLive(api, {
          note: (text) => ctx.note(ctx.errColors.dim(text)),
          onConnect: async (_socket, reconnect) => {
            if (!reconnect) ctx.note(ctx.errColors.dim(`Following ${api.server}${opts.device ? ` (device ${opts.device})` : ""}. Ctrl-C to stop.`));
            await catchUp();
          },
        });

        session.socket.on("hub:message", (/** @type {{ message?: Message }} */ event) => {
          if (opts.device && event?.message && event.message.deviceId !== opts.device) return;
          catchUp().catch((error) => session?.stop(error));
        });
        await session.done;
      }),
    );
}
