import { z } from "zod";
import { ROOM_MESSAGE_TYPES, ROOM_ROLES, ROOM_SEVERITIES, ROOM_STATUSES } from "@/lib/db/schema/rooms";
import { isEmoji } from "@/lib/rooms/text";

/**
 * Request schemas for incident rooms (REST and socket payloads) and the view
 * types they answer with. The TypeScript SDK imports the types from here
 * (type-only), so the server and the client cannot drift apart.
 */
export type RoomSeverity = (typeof ROOM_SEVERITIES)[number];
export type RoomStatus = (typeof ROOM_STATUSES)[number];
export type RoomRole = (typeof ROOM_ROLES)[number];
export type RoomMessageType = (typeof ROOM_MESSAGE_TYPES)[number];

const id = z.string().min(1).max(64);
/** Roles that can be given through the member routes; commander moves with PATCH commanderId. */
export const assignableRoleSchema = z.enum(["scribe", "participant", "observer"]);

export const roomParams = z.object({ id });
export const messageParams = z.object({ id, messageId: id });
export const reactionParams = z.object({ id, messageId: id, emoji: z.string().min(1).max(200) });

export const createRoomSchema = z.object({
  title: z.string().trim().min(1, "is required").max(200),
  description: z.string().trim().max(10_000).default(""),
  severity: z.enum(ROOM_SEVERITIES),
  status: z.enum(ROOM_STATUSES).default("investigating"),
  members: z
    .array(z.object({ userId: id, role: assignableRoleSchema.default("participant") }))
    .max(500)
    .default([]),
});
export type CreateRoomInput = z.input<typeof createRoomSchema>;

export const updateRoomSchema = z
  .object({
    title: z.string().trim().min(1, "is required").max(200),
    description: z.string().trim().max(10_000),
    severity: z.enum(ROOM_SEVERITIES),
    status: z.enum(ROOM_STATUSES),
    commanderId: id,
    archived: z.boolean(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, "name at least one field to change");
export type UpdateRoomInput = z.input<typeof updateRoomSchema>;

export const listRoomsQuery = z.object({
  archived: z.enum(["true", "false", "all"]).default("false"),
  status: z.enum(ROOM_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const addMemberSchema = z
  .object({
    userId: id.optional(),
    email: z.email().max(320).optional(),
    role: assignableRoleSchema.default("participant"),
  })
  .refine((value) => Boolean(value.userId) !== Boolean(value.email), "give exactly one of userId or email");
export type AddMemberInput = z.input<typeof addMemberSchema>;

export const removeMemberQuery = z.object({ userId: id });

const clientIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** A file or image the message points at; the hub stores the reference, not the bytes. */
export const refDataSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048),
  name: z.string().max(255).optional(),
  mimeType: z.string().max(255).optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

/**
 * A message as sent. Content length is not capped here: the domain measures
 * bytes and answers 413 with the limit, which is more useful than a 422.
 */
const messageFields = z.object({
  content: z.string().default(""),
  type: z.enum(["text", "image_ref", "file_ref", "incident_data"]).default("text"),
  clientId: clientIdSchema.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

function refineMessage(value: z.output<typeof messageFields>, ctx: z.RefinementCtx): void {
  if (value.type === "text" && value.data !== undefined) ctx.addIssue({ code: "custom", path: ["data"], message: "is only for image_ref, file_ref and incident_data messages" });
  if (value.type === "incident_data" && value.data === undefined) ctx.addIssue({ code: "custom", path: ["data"], message: "is required for incident_data messages" });
  if (value.type === "image_ref" || value.type === "file_ref") {
    const parsed = refDataSchema.safeParse(value.data);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: ["data", ...issue.path.map(String)], message: issue.message });
  }
}

export const messageInputSchema = messageFields.superRefine(refineMessage);
export type MessageInput = z.input<typeof messageInputSchema>;

export const editMessageSchema = z
  .object({
    content: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .partial()
  .refine((value) => value.content !== undefined || value.data !== undefined, "send content or data");
export type EditMessageInput = z.input<typeof editMessageSchema>;

export const listMessagesQuery = z
  .object({
    afterSeq: z.coerce.number().int().min(0).optional(),
    beforeSeq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine((value) => value.afterSeq === undefined || value.beforeSeq === undefined, "use afterSeq or beforeSeq, not both");

export const timelineQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

export const searchQuery = z.object({
  q: z.string().trim().min(1, "is required").max(200),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const emojiSchema = z.string().refine(isEmoji, "must be one emoji or a :shortcode:");
export const reactionSchema = z.object({ emoji: emojiSchema });

export const markReadSchema = z.object({ seq: z.number().int().min(0) });

// --- socket payloads ---------------------------------------------------------

export const joinPayload = z.object({
  roomId: id,
  /** The last change position the client applied; omit on a first join. */
  lastSeq: z.number().int().min(0).nullish(),
});
export const roomPayload = z.object({ roomId: id });
export const sendPayload = messageFields.extend({ roomId: id, clientId: clientIdSchema }).superRefine(refineMessage);

// --- views ------------------------------------------------------------------

export type RoomView = {
  id: string;
  title: string;
  description: string;
  severity: RoomSeverity;
  status: RoomStatus;
  commanderId: string;
  createdBy: string;
  archived: boolean;
  archivedAt: string | null;
  /** Highest message seq in the room. */
  lastSeq: number;
  /** Highest change position in the room: resume from here. */
  position: number;
  createdAt: string;
  updatedAt: string;
};

/** A room as one member sees it in a list. */
export type RoomSummary = RoomView & { role: RoomRole; lastReadSeq: number; unreadCount: number };

export type MemberView = { userId: string; name: string; handle: string; role: RoomRole; joinedAt: string };

export type RoomDetail = RoomSummary & { members: MemberView[] };

export type ReactionCount = { emoji: string; count: number; userIds: string[] };

export type MessageView = {
  id: string;
  roomId: string;
  seq: number;
  authorId: string;
  clientId: string | null;
  type: RoomMessageType;
  /** Empty once deleted: clients show a "message deleted" placeholder. */
  content: string;
  data: Record<string, unknown> | null;
  mentions: string[];
  pinned: boolean;
  pinnedAt: string | null;
  pinnedBy: string | null;
  editedAt: string | null;
  deleted: boolean;
  deletedAt: string | null;
  reactions: ReactionCount[];
  /** Position of the latest change to this message. */
  changeSeq: number;
  createdAt: string;
};

export type MessageEdit = { content: string; data: Record<string, unknown> | null; mentions: string[]; editorId: string; replacedAt: string };

export type SearchHit = MessageView & { roomTitle: string; rank: number };

// --- events -----------------------------------------------------------------

/** Every change a room can go through. Live events and resumed ones have the same shape. */
export type RoomEvent =
  | { type: "message:new" | "message:edited" | "message:deleted" | "message:pinned"; roomId: string; position: number; message: MessageView }
  | { type: "reaction:updated"; roomId: string; position: number; messageId: string; userId: string; emoji: string; op: "added" | "removed"; reactions: ReactionCount[] }
  | { type: "room:updated"; roomId: string; position: number; room: RoomView; changed: string[] };

export type RoomEventType = RoomEvent["type"];

/** Ephemeral events: not logged, not replayed, no position. */
export type TypingEvent = { roomId: string; userId: string; typing: boolean; expiresAt: string | null };
export type PresenceEvent = { roomId: string; userId: string; status: "online" | "offline"; online: string[] };

export type JoinResult = {
  room: RoomView;
  role: RoomRole;
  /** The changes after lastSeq, oldest first (empty without lastSeq). */
  missed: RoomEvent[];
  /** More changes wait: join again with lastSeq = position. */
  hasMore: boolean;
  /** Where the client stands after applying `missed`. */
  position: number;
  online: string[];
};
