import { randomUUID } from "node:crypto";
import { Option } from "commander";
import { segment } from "../api.mjs";
import { CliError, EXIT, UsageError, exitCodeForStatus } from "../errors.mjs";
import { action, examples, integer } from "../options.mjs";
import { displayWidth, oneLine, relativeTime, truncate } from "../output.mjs";
import { withSpinner } from "../progress.mjs";
import { openLive } from "../realtime.mjs";

/**
 * Incident rooms: list, open, change status, post, and follow one live
 * (/api/v1/rooms…, and Socket.IO `room:join` + `message:new`).
 */

export const ROOM_SEVERITIES = ["sev1", "sev2", "sev3", "sev4"];
export const ROOM_STATUSES = ["investigating", "identified", "monitoring", "resolved"];

/**
 * @typedef {object} Room
 * @property {string} id
 * @property {string} title
 * @property {string} severity
 * @property {string} status
 * @property {boolean} archived
 * @property {number} unreadCount
 * @property {number} position
 * @property {string} updatedAt
 * @property {Array<{ userId: string, name: string, handle: string, role: string }>} [members]
 */

/**
 * @typedef {object} RoomMessage
 * @property {string} id
 * @property {string} roomId
 * @property {number} seq
 * @property {string} authorId
 * @property {string} type
 * @property {string} content
 * @property {boolean} deleted
 * @property {string | null} editedAt
 * @property {string} createdAt
 */

/** @typedef {{ type: string, roomId: string, position: number, message?: RoomMessage }} RoomEvent */
/** @typedef {{ ok: true, position: number, missed: RoomEvent[], hasMore: boolean, online: string[] } | { ok: false, error: { status: number, title: string, detail: string } }} JoinAck */

const EXAMPLES = examples(
  "message-hub rooms",
  'message-hub rooms open --title "Checkout errors" --severity sev2',
  'message-hub rooms say room_01j9… "Rolled back to v41"',
  "message-hub rooms status room_01j9… resolved",
  "message-hub rooms tail room_01j9…",
);

/** @param {import("commander").Command} program */
export function registerRooms(program) {
  const rooms = program
    .command("rooms")
    .description("incident rooms: list them (the default), open, change status, post, follow live")
    .addHelpText("after", `${EXAMPLES}\nThe list filters are on \`message-hub rooms list --help\`.\n`);

  rooms
    .command("list", { isDefault: true })
    .description("list your incident rooms (open ones unless --archived)")
    .addOption(new Option("--status <status>", "only rooms in this status").choices(ROOM_STATUSES))
    .addOption(new Option("--archived <which>", "archived rooms too, or only").choices(["false", "true", "all"]).default("false"))
    .option("-n, --limit <n>", "how many (1-500)", integer(1, 500), 50)
    .addHelpText("after", EXAMPLES)
    .action(
      action(async (ctx, opts) => {
        /** @type {{ data: Room[], hasMore: boolean }} */
        const page = await withSpinner("Loading rooms", () => ctx.api().get("/api/v1/rooms", { status: opts.status, archived: opts.archived, limit: opts.limit }));
        if (ctx.json) return ctx.printJson(page);
        const { colors } = ctx;
        const sev = /** @type {Record<string, (text: string) => string>} */ ({ sev1: colors.red, sev2: colors.yellow, sev3: colors.cyan, sev4: colors.dim });
        ctx.table(
          [
            { header: "ID", keep: true, value: (r) => r.id, style: (cell) => colors.dim(cell) },
            { header: "SEV", value: (r) => r.severity, style: (cell, r) => (sev[r.severity] ?? String)(cell) },
            { header: "STATUS", value: (r) => (r.archived ? `${r.status} (archived)` : r.status), style: (cell, r) => (r.status === "resolved" ? colors.green(cell) : cell) },
            { header: "TITLE", value: (r) => r.title, flex: true, min: 12 },
            { header: "UNREAD", value: (r) => (r.unreadCount > 0 ? String(r.unreadCount) : ""), align: "right", drop: 2 },
            { header: "UPDATED", value: (r) => relativeTime(r.updatedAt), drop: 1 },
          ],
          page.data,
          "No rooms. Open one with `message-hub rooms open --title … --severity sev2`.",
        );
      }),
    );

  rooms
    .command("open")
    .description("open an incident room; you become its commander")
    .requiredOption("-t, --title <title>", "what is going on")
    .addOption(new Option("-s, --severity <sev>", "how bad: sev1 (worst) to sev4").choices(ROOM_SEVERITIES).makeOptionMandatory())
    .option("-d, --description <text>", "more detail")
    .addHelpText("after", examples('message-hub rooms open --title "Checkout errors" --severity sev2', 'message-hub --json rooms open -t "DB failover" -s sev1 | jq -r .room.id'))
    .action(
      action(async (ctx, opts) => {
        /** @type {{ room: Room }} */
        const result = await ctx.api().post("/api/v1/rooms", { title: opts.title, severity: opts.severity, description: opts.description });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Opened ${result.room.id} "${oneLine(result.room.title)}" (${result.room.severity}, ${result.room.status}).`);
      }),
    );

  rooms
    .command("status")
    .description("change a room's status")
    .argument("<id>", "the room id (room_…)")
    .argument("<status>", ROOM_STATUSES.join(" | "))
    .addHelpText("after", examples("message-hub rooms status room_01j9… identified", "message-hub rooms status room_01j9… resolved"))
    .action(
      action(async (ctx, _opts, id, status) => {
        if (!ROOM_STATUSES.includes(status)) throw new UsageError(`'${status}' is not a status: use ${ROOM_STATUSES.join(", ")}.`);
        /** @type {{ room: Room }} */
        const result = await ctx.api().patch(`/api/v1/rooms/${segment(id)}`, { status });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`${result.room.id} "${oneLine(result.room.title)}" is now ${result.room.status}.`);
      }),
    );

  rooms
    .command("say")
    .description("post a message to a room ('-' reads it from stdin)")
    .argument("<id>", "the room id (room_…)")
    .argument("<text>", "what to say, or - for stdin")
    .addHelpText("after", examples('message-hub rooms say room_01j9… "Rolled back to v41"', "kubectl get pods | message-hub rooms say room_01j9… -"))
    .action(
      action(async (ctx, _opts, id, text) => {
        const content = text === "-" ? await readStdin() : text;
        if (!content.trim()) throw new UsageError("Nothing to say: the message is empty.");
        // A clientId makes a retried post idempotent: the server returns the stored message.
        /** @type {{ message: RoomMessage }} */
        const result = await ctx.api().post(`/api/v1/rooms/${segment(id)}/messages`, { content, clientId: `cli-${randomUUID()}` });
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Posted #${result.message.seq} to ${result.message.roomId}.`);
      }),
    );

  rooms
    .command("tail")
    .description("follow a room live: the last messages, then new ones as they come (resumes after a network drop)")
    .argument("<id>", "the room id (room_…)")
    .option("-n, --lines <n>", "how many earlier messages to show first", integer(0, 500), 10)
    .addHelpText("after", `${examples("message-hub rooms tail room_01j9…", "message-hub --json rooms tail room_01j9… -n 0")}\nWith --json each event is one JSON line (NDJSON). Stop with Ctrl-C.\n`)
    .action(
      action(async (ctx, opts, id) => {
        const api = ctx.api();
        /** @type {{ room: Room }} */
        const detail = await api.get(`/api/v1/rooms/${segment(id)}`);
        const roomId = detail.room.id;
        const names = new Map((detail.room.members ?? []).map((m) => [m.userId, m.name || m.handle]));
        /** @type {number | null} */
        let position = null;
        /** @type {Set<string>} */
        const shownMessages = new Set();
        /** @type {Set<number>} */
        const applied = new Set();
        /** @type {RoomEvent[] | null} events that arrive while a join is in flight */
        let buffer = null;

        /** @param {string} authorId */
        const nameOf = async (authorId) => {
          if (!names.has(authorId)) {
            /** @type {{ room: Room }} */
            const fresh = await api.get(`/api/v1/rooms/${segment(roomId)}`).catch(() => ({ room: detail.room }));
            for (const m of fresh.room.members ?? []) names.set(m.userId, m.name || m.handle);
          }
          return names.get(authorId) ?? authorId;
        };

        /** @param {RoomMessage} message @param {string} [note] */
        const printMessage = async (message, note) => {
          if (ctx.json) return ctx.print(JSON.stringify(note ? { event: note, message } : { event: "message:new", message }));
          const time = new Date(message.createdAt).toLocaleTimeString("en-GB", { hour12: false, hour: "2-digit", minute: "2-digit" });
          if (message.type === "system") return ctx.print(ctx.colors.dim(`${time}  * ${oneLine(message.content)}`));
          const who = oneLine(await nameOf(message.authorId));
          let text = message.deleted ? "(deleted)" : oneLine(message.content);
          if (note === "message:edited") text += " (edited)";
          const head = `${time}  ${who}: `;
          if (ctx.isTTY) text = truncate(text, Math.max(10, ctx.width - displayWidth(head)));
          ctx.print(`${ctx.colors.dim(time)}  ${ctx.colors.bold(who)}: ${note === "message:deleted" ? ctx.colors.dim(text) : text}`);
        };

        /** @param {RoomEvent} event */
        const apply = async (event) => {
          if (event.roomId !== roomId || applied.has(event.position)) return;
          applied.add(event.position);
          if (applied.size > 10_000) applied.delete(/** @type {number} */ (applied.values().next().value));
          position = Math.max(position ?? 0, event.position);
          if (!event.message) {
            if (ctx.json) ctx.print(JSON.stringify(event));
            return;
          }
          if (event.type === "message:new") {
            if (shownMessages.has(event.message.id)) return;
            shownMessages.add(event.message.id);
            await printMessage(event.message);
          } else if (event.type === "message:edited" || event.type === "message:deleted") {
            await printMessage(event.message, event.type);
          }
        };

        /**
         * @param {import("socket.io-client").Socket} socket
         * @param {number | null} lastSeq
         * @returns {Promise<Extract<JoinAck, { ok: true }>>}
         */
        const join = async (socket, lastSeq) => {
          /** @type {JoinAck} */
          const ack = await socket.timeout(15_000).emitWithAck("room:join", lastSeq === null ? { roomId } : { roomId, lastSeq });
          if (!ack.ok) throw new CliError(`Cannot follow the room: ${ack.error.detail}`, { exitCode: exitCodeForStatus(ack.error.status) });
          return ack;
        };

        const session = await openLive(api, {
          note: (text) => ctx.note(ctx.errColors.dim(text)),
          onConnect: async (socket, reconnect) => {
            buffer = [];
            try {
              if (position === null) {
                const ack = await join(socket, null);
                position = ack.position;
                if (!reconnect) ctx.note(ctx.errColors.dim(`Following ${detail.room.id} "${oneLine(detail.room.title)}" (${detail.room.severity}, ${detail.room.status}). Ctrl-C to stop.`));
                if (opts.lines > 0) {
                  /** @type {{ data: RoomMessage[] }} */
                  const history = await api.get(`/api/v1/rooms/${segment(roomId)}/messages`, { limit: opts.lines });
                  for (const message of history.data) {
                    shownMessages.add(message.id);
                    await printMessage(message);
                  }
                }
              } else {
                // Resume: every change after the last one applied, page by page.
                let ack = await join(socket, position);
                for (;;) {
                  for (const event of ack.missed) await apply(event);
                  if (!ack.hasMore) break;
                  ack = await join(socket, ack.position);
                }
              }
            } catch (error) {
              if (error instanceof CliError) throw error;
              // A timed-out ack: the connection is going down; the next connect resumes.
              socket.disconnect().connect();
              return;
            } finally {
              const pending = buffer ?? [];
              buffer = null;
              for (const event of pending) if (event.position > (position ?? 0) || event.type === "message:new") await apply(event);
            }
          },
        });

        for (const type of ["message:new", "message:edited", "message:deleted", "room:updated"]) {
          session.socket.on(type, (/** @type {Omit<RoomEvent, "type">} */ payload) => {
            const event = { ...payload, type };
            if (buffer) buffer.push(event);
            else apply(event).catch((error) => session.stop(error));
          });
        }
        await session.done;
      }),
    );
}

async function readStdin() {
  if (process.stdin.isTTY) throw new CliError("'-' reads the message from stdin, but stdin is a terminal.", { exitCode: EXIT.usage });
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(/** @type {Buffer} */ (chunk));
  return Buffer.concat(chunks).toString("utf8").replace(/\n$/, "");
}
