import type { Socket } from "socket.io-client";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { createRoom } from "@/lib/rooms/create-room";
import { deleteMessage } from "@/lib/rooms/delete-message";
import { editMessage } from "@/lib/rooms/edit-message";
import { listMessages } from "@/lib/rooms/list-messages";
import { postMessage } from "@/lib/rooms/post-message";
import { addReaction, removeReaction } from "@/lib/rooms/reactions";
import type { JoinResult, MessageView, RoomEvent } from "@/lib/rooms/schemas";
import type { TestUser } from "@/tests/helpers/factories";

/** Helpers for the incident-room tests: acks, event capture, seeding activity, replaying events. */
export function actorOf(user: TestUser): Actor {
  return { userId: user.user.id, role: user.user.role, via: "apiKey", scopes: ["rooms:read", "rooms:write"] };
}

export async function openRoom(commander: TestUser, members: Array<{ user: TestUser; role?: "scribe" | "participant" | "observer" }> = []): Promise<string> {
  const room = await createRoom(getDb(), actorOf(commander), {
    title: "Incident",
    description: "",
    severity: "sev2",
    status: "investigating",
    members: members.map((m) => ({ userId: m.user.user.id, role: m.role ?? "participant" })),
  });
  return room.id;
}

export type AckReply<T> = ({ ok: true } & T) | { ok: false; error: { status: number; title: string; detail: string } };

export function ack<T = Record<string, unknown>>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<AckReply<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<AckReply<T>>;
}

/** Joins and follows `hasMore` until the client has caught up; returns every missed event in order. */
export async function joinAll(socket: Socket, roomId: string, lastSeq?: number): Promise<{ first: JoinResult; missed: RoomEvent[]; position: number; pages: number }> {
  const missed: RoomEvent[] = [];
  let first: JoinResult | undefined;
  let position = lastSeq;
  let pages = 0;
  for (;;) {
    const reply = await ack<JoinResult>(socket, "room:join", { roomId, lastSeq: position });
    if (!reply.ok) throw new Error(`join refused: ${reply.error.status} ${reply.error.detail}`);
    pages++;
    first ??= reply;
    missed.push(...reply.missed);
    position = reply.position;
    if (!reply.hasMore) return { first, missed, position, pages };
  }
}

export const ROOM_EVENTS = ["message:new", "message:edited", "message:deleted", "message:pinned", "reaction:updated", "room:updated"] as const;

/** Records every room event a socket receives. */
export function captureRoomEvents(socket: Socket): RoomEvent[] {
  const seen: RoomEvent[] = [];
  for (const name of ROOM_EVENTS) socket.on(name, (event: RoomEvent) => seen.push(event));
  return seen;
}

export function key(event: RoomEvent): string {
  const id = "message" in event ? event.message.id : "messageId" in event ? event.messageId : event.roomId;
  return `${event.position}:${event.type}:${id}`;
}

/** Applies events to a map of messages the way a client does: by position, newest state wins. */
export function applyEvents(state: Map<string, MessageView>, events: RoomEvent[]): Map<string, MessageView> {
  for (const event of [...events].sort((a, b) => a.position - b.position)) {
    if ("message" in event) {
      const known = state.get(event.message.id);
      if (!known || known.changeSeq <= event.message.changeSeq) state.set(event.message.id, event.message);
    } else if (event.type === "reaction:updated") {
      const known = state.get(event.messageId);
      if (known) state.set(event.messageId, { ...known, reactions: event.reactions });
    }
  }
  return state;
}

/** Every message of a room as the server has it now, by id. */
export async function serverState(user: TestUser, roomId: string): Promise<Map<string, MessageView>> {
  const state = new Map<string, MessageView>();
  let afterSeq = 0;
  for (;;) {
    const page = await listMessages(getDb(), actorOf(user), roomId, { afterSeq, limit: 500 });
    for (const message of page.data) state.set(message.id, message);
    if (!page.hasMore) return state;
    afterSeq = page.data.at(-1)!.seq;
  }
}

/** Comparable form of a message (reaction order and user lists included). */
export function comparable(state: Map<string, MessageView>): Array<Omit<MessageView, "changeSeq">> {
  return [...state.values()]
    .sort((a, b) => a.seq - b.seq)
    .map(({ changeSeq: _changeSeq, ...rest }) => rest);
}

export type Activity = { messages: number; edits: number; deletes: number; reactionsAdded: number; reactionsRemoved: number };

/**
 * A busy stretch of an incident: `messages` posts from several authors
 * running concurrently, then edits, deletions and reactions on them.
 */
export async function generateActivity(roomId: string, authors: TestUser[], counts: { messages: number; edits: number; deletes: number; reactions: number }): Promise<Activity> {
  const db = getDb();
  const posted: Array<{ id: string; author: TestUser }> = [];
  const perAuthor = Math.ceil(counts.messages / authors.length);
  await Promise.all(
    authors.map(async (author, a) => {
      for (let i = 0; i < perAuthor && a * perAuthor + i < counts.messages; i++) {
        const { message } = await postMessage(db, actorOf(author), roomId, { content: `message ${a}-${i} <b>bold?</b>`, type: "text", clientId: `gen-${a}-${i}` });
        posted.push({ id: message.id, author });
      }
    }),
  );
  for (let i = 0; i < counts.edits; i++) {
    const target = posted[i % posted.length]!;
    await editMessage(db, actorOf(target.author), roomId, target.id, { content: `edited ${i}` });
  }
  let reactionsAdded = 0;
  let reactionsRemoved = 0;
  for (let i = 0; i < counts.reactions; i++) {
    const target = posted[(i * 7) % posted.length]!;
    const reactor = authors[i % authors.length]!;
    if (i % 5 === 4) {
      // Take back the reaction added just before.
      const previous = posted[((i - 1) * 7) % posted.length]!;
      const removed = await removeReaction(db, actorOf(authors[(i - 1) % authors.length]!), roomId, previous.id, (i - 1) % 2 ? "👍" : "🔥");
      if (removed.changed) reactionsRemoved++;
    } else {
      const added = await addReaction(db, actorOf(reactor), roomId, target.id, i % 2 ? "👍" : "🔥");
      if (added.changed) reactionsAdded++;
    }
  }
  for (let i = 0; i < counts.deletes; i++) {
    const target = posted[posted.length - 1 - i]!;
    await deleteMessage(db, actorOf(target.author), roomId, target.id);
  }
  return { messages: posted.length, edits: counts.edits, deletes: counts.deletes, reactionsAdded, reactionsRemoved };
}

export function countByType(events: RoomEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const event of events) {
    const name = event.type === "reaction:updated" ? `reaction:${event.op}` : event.type;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `predicate` holds, polling; fails after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
