import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

/**
 * Incident rooms. See lib/rooms/README.md for the invariants these tables
 * carry: dense per-room message numbers and a per-room change log that makes
 * resume exact.
 */
const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const ROOM_SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export const ROOM_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export const ROOM_ROLES = ["commander", "scribe", "participant", "observer"] as const;
export const ROOM_MESSAGE_TYPES = ["text", "image_ref", "file_ref", "system", "incident_data"] as const;

export const rooms = pgTable(
  "rooms",
  {
    id: text().primaryKey(),
    title: text().notNull(),
    description: text().notNull().default(""),
    severity: text({ enum: ROOM_SEVERITIES }).notNull(),
    status: text({ enum: ROOM_STATUSES }).notNull().default("investigating"),
    commanderId: text()
      .notNull()
      .references(() => users.id),
    createdBy: text()
      .notNull()
      .references(() => users.id),
    archivedAt: timestamp({ withTimezone: true }),
    /**
     * The last message number handed out. Bumped in the inserting
     * transaction, which holds this row's lock until commit, so numbers are
     * dense and commit in order.
     */
    lastSeq: bigint({ mode: "number" }).notNull().default(0),
    /** The last change position (room_changes.position), bumped the same way. */
    lastPosition: bigint({ mode: "number" }).notNull().default(0),
    ...timestamps,
  },
  // No secondary index: rooms are reached by id, or from room_members (a member's rooms, newest id first).
);

export const roomMembers = pgTable(
  "room_members",
  {
    roomId: text()
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text({ enum: ROOM_ROLES }).notNull().default("participant"),
    joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The highest message seq this member has read; unread counts start above it. */
    lastReadSeq: bigint({ mode: "number" }).notNull().default(0),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId] }),
    // "My rooms": the room list and cross-room search start from the member's rows.
    index("room_members_user_idx").on(t.userId, t.roomId),
  ],
);

export const roomMessages = pgTable(
  "room_messages",
  {
    id: text().primaryKey(),
    roomId: text()
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    /** Dense per room: 1, 2, 3… in commit order. */
    seq: bigint({ mode: "number" }).notNull(),
    authorId: text()
      .notNull()
      .references(() => users.id),
    /** The sender's idempotency key, unique per (room, author). */
    clientId: text(),
    type: text({ enum: ROOM_MESSAGE_TYPES }).notNull(),
    content: text().notNull().default(""),
    /** Structured payload: incident data, a file or image reference, or a system event. */
    data: jsonb(),
    /** User ids mentioned, validated against the room's members at write time. */
    mentions: text().array().notNull().default(sql`'{}'::text[]`),
    pinned: boolean().notNull().default(false),
    pinnedAt: timestamp({ withTimezone: true }),
    pinnedBy: text(),
    editedAt: timestamp({ withTimezone: true }),
    deletedAt: timestamp({ withTimezone: true }),
    deletedBy: text(),
    /** Position of the latest change to this message (creation, edit, delete, reaction, pin). */
    changeSeq: bigint({ mode: "number" }).notNull(),
    search: tsvector().generatedAlwaysAs(sql`to_tsvector('english'::regconfig, coalesce(content, ''))`),
    ...timestamps,
  },
  (t) => [
    // History paging (?afterSeq= / ?beforeSeq=), unread counts, and the per-room seq invariant.
    uniqueIndex("room_messages_room_seq_key").on(t.roomId, t.seq),
    // clientId idempotency: a repeated (room, author, clientId) finds the stored message.
    uniqueIndex("room_messages_client_key")
      .on(t.roomId, t.authorId, t.clientId)
      .where(sql`client_id is not null`),
    // Full-text search within a room and across a member's rooms.
    index("room_messages_search_idx").using("gin", t.search).with({ gin_pending_list_limit: 256 }),
    // The timeline: pinned messages and system events of one room, by seq.
    index("room_messages_timeline_idx")
      .on(t.roomId, t.seq)
      .where(sql`pinned or type = 'system'`),
    // Analytics: room messages posted in a window (lib/analytics).
    index("room_messages_created_idx").on(t.createdAt),
  ],
);

/**
 * The per-room change log that resume reads. Every change to a room's
 * messages, reactions or settings takes the next position from
 * rooms.last_position in its own transaction and writes one row here, so
 * `position > lastSeq` returns exactly the changes a client missed.
 * Payloads are not copied: message state is read from room_messages at
 * resume time, so deleted content never reappears.
 */
export const roomChanges = pgTable(
  "room_changes",
  {
    roomId: text()
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    position: bigint({ mode: "number" }).notNull(),
    /** The event name clients receive: message:new, message:edited, message:deleted, message:pinned, reaction:updated, room:updated. */
    kind: text().notNull(),
    messageId: text(),
    actorId: text(),
    /** Small facts about the change that the current state cannot tell (a reaction's emoji and counts then). */
    data: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Resume: where room_id = ? and position > ? order by position (the primary key serves it).
    primaryKey({ columns: [t.roomId, t.position] }),
  ],
);

export const roomMessageEdits = pgTable(
  "room_message_edits",
  {
    id: text().primaryKey(),
    messageId: text()
      .notNull()
      .references(() => roomMessages.id, { onDelete: "cascade" }),
    roomId: text()
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    editorId: text().notNull(),
    /** The content, data and mentions the edit replaced. */
    previousContent: text().notNull(),
    previousData: jsonb(),
    previousMentions: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A message's edit history, oldest first.
    index("room_message_edits_message_idx").on(t.messageId, t.createdAt),
  ],
);

export const roomReactions = pgTable(
  "room_reactions",
  {
    messageId: text()
      .notNull()
      .references(() => roomMessages.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: text().notNull(),
    roomId: text()
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One reaction per (message, user, emoji); also serves the per-message counts.
    primaryKey({ columns: [t.messageId, t.userId, t.emoji] }),
  ],
);
