import { z } from "zod";
import { ROOM_MESSAGE_TYPES, ROOM_ROLES, ROOM_SEVERITIES, ROOM_STATUSES } from "@/lib/db/schema/rooms";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import type { MessagePage } from "@/lib/rooms/list-messages";
import type { markRead } from "@/lib/rooms/mark-read";
import type { OnlineUser } from "@/lib/rooms/presence";
import type { ReactionResult } from "@/lib/rooms/reactions";
import {
  addMemberSchema,
  createRoomSchema,
  editMessageSchema,
  listMessagesQuery,
  listRoomsQuery,
  markReadSchema,
  messageInputSchema,
  messageParams,
  reactionParams,
  reactionSchema,
  removeMemberQuery,
  roomParams,
  searchQuery,
  timelineQuery,
  updateRoomSchema,
  type MemberView,
  type MessageEdit,
  type MessageView,
  type RoomDetail,
  type RoomSummary,
  type RoomView,
  type SearchHit,
} from "@/lib/rooms/schemas";

const ROOMS = "Incident rooms";
const MESSAGES = "Room messages";

export const roomTags: ApiTag[] = [
  { name: ROOMS, description: "Incident rooms with severity, status, a commander and members with roles, read marks, presence and typing. Live over Socket.IO; see docs/realtime.md." },
  { name: MESSAGES, description: "A room's messages by seq: idempotent posting, edits with history, soft deletes, reactions, pins, the timeline and full-text search." },
];

const roomViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.enum(ROOM_SEVERITIES),
  status: z.enum(ROOM_STATUSES),
  commanderId: z.string(),
  createdBy: z.string(),
  archived: z.boolean(),
  archivedAt: z.string().nullable(),
  lastSeq: z.number().meta({ description: "The highest message seq in the room." }),
  position: z.number().meta({ description: "The highest change position in the room: join the socket with lastSeq = position to resume from here." }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const _roomShape: SameShape<z.output<typeof roomViewSchema>, Serialized<RoomView>> = true;

const roomSummarySchema = roomViewSchema.extend({
  role: z.enum(ROOM_ROLES).meta({ description: "The caller's role in the room." }),
  lastReadSeq: z.number().meta({ description: "The caller's read mark: the seq read up to." }),
  unreadCount: z.number().meta({ description: "Messages by others, not deleted, above the caller's read mark." }),
});
const _roomSummaryShape: SameShape<z.output<typeof roomSummarySchema>, Serialized<RoomSummary>> = true;

const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  handle: z.string().meta({ description: "What members type after @ to mention this member: the name in lower case, without spaces or punctuation." }),
  role: z.enum(ROOM_ROLES),
  joinedAt: z.string(),
});
const _memberShape: SameShape<z.output<typeof memberSchema>, Serialized<MemberView>> = true;

const roomDetailSchema = roomSummarySchema.extend({ members: z.array(memberSchema) });
const _roomDetailShape: SameShape<z.output<typeof roomDetailSchema>, Serialized<RoomDetail>> = true;

const reactionCountSchema = z.object({ emoji: z.string(), count: z.number(), userIds: z.array(z.string()).meta({ description: "Who reacted with this emoji, first reaction first." }) });

const messageViewSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: z.number().meta({ description: "The message's number in the room: 1, 2, 3… without gaps." }),
  authorId: z.string(),
  clientId: z.string().nullable().meta({ description: "The sender's idempotency key, when one was given." }),
  type: z.enum(ROOM_MESSAGE_TYPES).meta({ description: "system messages are the room's own entries (opened, status, severity, command, members, archiving), with data.event saying which." }),
  content: z.string().meta({ description: "The text, or the caption of a reference; empty once deleted." }),
  data: z.record(z.string(), z.unknown()).nullable().meta({ description: "The reference ({url, name?, mimeType?, sizeBytes?, width?, height?}), the incident data, or a system message's details; null once deleted." }),
  mentions: z.array(z.string()).meta({ description: "The ids of the members the content @mentions." }),
  pinned: z.boolean(),
  pinnedAt: z.string().nullable(),
  pinnedBy: z.string().nullable(),
  editedAt: z.string().nullable(),
  deleted: z.boolean().meta({ description: "A deleted message keeps its id, seq, author and time, and loses its content, data, mentions and reactions." }),
  deletedAt: z.string().nullable(),
  reactions: z.array(reactionCountSchema),
  changeSeq: z.number().meta({ description: "The position of the latest change to this message." }),
  createdAt: z.string(),
});
const _messageShape: SameShape<z.output<typeof messageViewSchema>, Serialized<MessageView>> = true;

const messageEditSchema = z.object({
  content: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  mentions: z.array(z.string()),
  editorId: z.string(),
  replacedAt: z.string().meta({ description: "When an edit replaced this version." }),
});
const _messageEditShape: SameShape<z.output<typeof messageEditSchema>, Serialized<MessageEdit>> = true;

const searchHitSchema = messageViewSchema.extend({ roomTitle: z.string(), rank: z.number().meta({ description: "How well the message matches (Postgres ts_rank); results are ordered newest first, not by rank." }) });
const _searchHitShape: SameShape<z.output<typeof searchHitSchema>, Serialized<SearchHit>> = true;

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable(), hasMore: z.boolean() });

const roomPageSchema = page(roomSummarySchema);
const _roomPageShape: SameShape<z.output<typeof roomPageSchema>, Serialized<{ data: RoomSummary[]; nextCursor: string | null; hasMore: boolean }>> = true;
const messagePageSchema = page(messageViewSchema);
const _messagePageShape: SameShape<z.output<typeof messagePageSchema>, Serialized<MessagePage>> = true;
const searchPageSchema = page(searchHitSchema);
const _searchPageShape: SameShape<z.output<typeof searchPageSchema>, Serialized<{ data: SearchHit[]; nextCursor: string | null; hasMore: boolean }>> = true;

const roomResponse = z.object({ room: roomDetailSchema });
const memberResponse = z.object({ member: memberSchema });
const messageResponse = z.object({ message: messageViewSchema });
const historyResponse = z.object({ data: z.array(messageEditSchema) });

const reactionsResponse = z.object({ messageId: z.string(), reactions: z.array(reactionCountSchema) });
const _reactionsShape: SameShape<z.output<typeof reactionsResponse>, Serialized<Omit<ReactionResult, "changed">>> = true;

const readResponse = z.object({ lastReadSeq: z.number().meta({ description: "The caller's read mark after the call." }) });
const _readShape: SameShape<z.output<typeof readResponse>, Awaited<ReturnType<typeof markRead>>> = true;

/** What GET /rooms/{id}/online answers per member (the route builds it inline). */
type OnlineMember = Pick<MemberView, "userId" | "name" | "role"> & Pick<OnlineUser, "connections">;
const onlineResponse = z.object({
  data: z.array(z.object({ userId: z.string(), name: z.string(), role: z.enum(ROOM_ROLES), connections: z.number().meta({ description: "The member's sockets joined to the room, across tabs and instances." }) })),
});
const _onlineShape: SameShape<z.output<typeof onlineResponse>, { data: OnlineMember[] }> = true;

/** What GET /rooms/{id}/typing answers per member (the route builds it inline). */
type TypingMember = Pick<MemberView, "userId" | "name"> & { expiresAt: string };
const typingResponse = z.object({ data: z.array(z.object({ userId: z.string(), name: z.string(), expiresAt: z.string().meta({ description: "Until when to show the member as typing, unless a typing event extends it." }) })) });
const _typingShape: SameShape<z.output<typeof typingResponse>, { data: TypingMember[] }> = true;

const notMember = { description: "No such room, or the caller is not a member of it (admins too)" };
const noMessage = { description: "No such room or message, the caller is not a member, or the message is deleted" };
const archived = { description: "The room is archived and read-only" };

export const roomOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/rooms",
    tag: ROOMS,
    summary: "List your rooms with your role and unread counts",
    description: "Only rooms the caller is a member of, newest first. archived defaults to false (open rooms only); all lists both.",
    auth: "user",
    scopes: ["rooms:read"],
    query: listRoomsQuery,
    responses: { 200: { description: "A page of rooms", schema: roomPageSchema } },
  },
  {
    method: "post",
    path: "/api/v1/rooms",
    tag: ROOMS,
    summary: "Open an incident room",
    description:
      "The caller becomes the commander; the members given join with their roles (default participant). The room's first message (seq 1) is the system entry that says who opened it and how, and starts unread for the invited members.",
    auth: "user",
    scopes: ["rooms:write"],
    body: createRoomSchema,
    responses: { 201: { description: "The room, with its members", schema: roomResponse }, 422: { description: "The body failed validation, or a member is not an active user of the hub" } },
  },
  {
    method: "get",
    path: "/api/v1/rooms/search",
    tag: MESSAGES,
    summary: "Search messages across all your rooms",
    description: "Full text in web search syntax (words, quoted phrases, -exclusions, or), newest first, in every room the caller is a member of. Deleted messages never match. limit defaults to 20, at most 100.",
    auth: "user",
    scopes: ["rooms:read"],
    query: searchQuery,
    responses: { 200: { description: "A page of matching messages, each with its room's title", schema: searchPageSchema } },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}",
    tag: ROOMS,
    summary: "One room, with its members",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    responses: { 200: { description: "The room as the caller sees it", schema: roomResponse }, 404: notMember },
  },
  {
    method: "patch",
    path: "/api/v1/rooms/{id}",
    tag: ROOMS,
    summary: "Change title, description, severity or status, hand over command, archive or reopen",
    description:
      "The commander and the scribe (and an admin who is a member) change title, description, severity and status; only the commander or an admin hands over command (the previous commander becomes a participant) or archives. Status, severity, command and archiving changes become system messages, published as message:new, then the change as room:updated; an update that changes nothing publishes nothing. A status change goes out as the room.status_changed webhook event, and status and severity changes notify the members.",
    auth: "user",
    scopes: ["rooms:write"],
    params: roomParams,
    body: updateRoomSchema,
    responses: {
      200: { description: "The room after the change", schema: roomResponse },
      403: { description: "The caller's role may not make this change" },
      404: notMember,
      409: { description: "The room is archived and the body does not reopen it (archived: false)" },
      422: { description: "The body failed validation (an empty body included), or commanderId is not a member of the room" },
    },
  },
  {
    method: "post",
    path: "/api/v1/rooms/{id}/members",
    tag: ROOMS,
    summary: "Add a member, or change a member's role",
    description:
      "The commander and the scribe (and an admin who is a member) manage members; the commander role moves only with PATCH commanderId. Adding someone or changing their role writes a system message, published as message:new; giving a member the role they already have changes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: roomParams,
    body: addMemberSchema,
    responses: {
      201: { description: "Added", schema: memberResponse },
      200: { description: "Already a member: the role changed, or already was the one given", schema: memberResponse },
      403: { description: "Only the commander or the scribe can manage members" },
      404: { description: "No such room, the caller is not a member, or no active user has that userId or email" },
      409: { description: "The room is archived, or the user is the commander" },
      422: { description: "Not exactly one of userId and email, or a role other than scribe, participant or observer" },
    },
  },
  {
    method: "delete",
    path: "/api/v1/rooms/{id}/members",
    tag: ROOMS,
    summary: "Remove a member, or leave the room",
    description:
      "Anyone may remove themselves; the commander and the scribe may remove others. Writes a system message, published as message:new; the removed member's sockets leave the room at once, and if they were online a presence event says they went offline.",
    auth: "user",
    scopes: ["rooms:write"],
    params: roomParams,
    query: removeMemberQuery,
    responses: {
      204: { description: "Removed" },
      403: { description: "Only the commander or the scribe can remove someone else" },
      404: { description: "No such room, the caller is not a member, or the user is not a member" },
      409: { description: "The room is archived, or the user is the commander (hand over command with PATCH commanderId first)" },
    },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/messages",
    tag: MESSAGES,
    summary: "A room's messages by seq",
    description:
      "Oldest first within a page. afterSeq reads forwards (catching up), beforeSeq backwards (scrolling back), neither gives the latest page; nextCursor continues in the same direction. Deleted messages are included as placeholders, so seq has no gaps.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    query: listMessagesQuery,
    responses: { 200: { description: "A page of messages", schema: messagePageSchema }, 404: notMember, 422: { description: "Both afterSeq and beforeSeq, or a cursor this server did not issue" } },
  },
  {
    method: "post",
    path: "/api/v1/rooms/{id}/messages",
    tag: MESSAGES,
    summary: "Post a message",
    description:
      "Idempotent with clientId: a clientId the caller already used in this room returns the stored message (200) and publishes nothing. A new message is published as message:new, the REST counterpart of the socket's message:send; it goes out as the room.message webhook event, and mentioned members are notified. At most 10 messages per second per user, shared with message:send.",
    auth: "user",
    scopes: ["rooms:write"],
    params: roomParams,
    body: messageInputSchema,
    responses: {
      201: { description: "Posted", schema: messageResponse },
      200: { description: "A repeated clientId: the stored message", schema: messageResponse },
      403: { description: "Observers cannot post" },
      404: notMember,
      409: archived,
      413: { description: "Text or a caption over 10 KB, incident data over 100 KB, or a body over 256 KB; a message limit is named in the problem (limitBytes, actualBytes)" },
      422: { description: "Failed validation: empty text, data on a text message, no data on incident_data, or an invalid reference" },
      429: { description: "More than 10 messages in a second from this user" },
    },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/messages/search",
    tag: MESSAGES,
    summary: "Search messages in one room",
    description: "Full text in web search syntax (words, quoted phrases, -exclusions, or), newest first. Deleted messages never match. limit defaults to 20, at most 100.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    query: searchQuery,
    responses: { 200: { description: "A page of matching messages", schema: searchPageSchema }, 404: notMember },
  },
  {
    method: "patch",
    path: "/api/v1/rooms/{id}/messages/{messageId}",
    tag: MESSAGES,
    summary: "Edit your message",
    description:
      "Only the author, within ROOM_EDIT_WINDOW_MINUTES (default 15) of posting; data replaces the message's data whole. The replaced version goes to the history, the edit is published as message:edited, and only members mentioned for the first time are notified; an edit that changes nothing publishes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: messageParams,
    body: editMessageSchema,
    responses: {
      200: { description: "The message as edited", schema: messageResponse },
      403: { description: "Not the author, an observer, a system message, or the edit window has passed" },
      404: noMessage,
      409: archived,
      413: { description: "Over the message limits, as for posting" },
      422: { description: "Neither content nor data, data on a text message, empty text, or an invalid file or image reference" },
    },
  },
  {
    method: "delete",
    path: "/api/v1/rooms/{id}/messages/{messageId}",
    tag: MESSAGES,
    summary: "Delete a message (it becomes a placeholder)",
    description:
      "The author, the room's commander or an admin. The message keeps its id, seq, author and time and loses its content, data, mentions, reactions, history and pin; it is published as message:deleted. Deleting a deleted message changes nothing and answers the placeholder again.",
    auth: "user",
    scopes: ["rooms:write"],
    params: messageParams,
    responses: {
      200: { description: "The placeholder", schema: messageResponse },
      403: { description: "Someone else's message (unless commander or admin), or a system message" },
      404: { description: "No such room or message, or the caller is not a member" },
      409: archived,
    },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/messages/{messageId}/history",
    tag: MESSAGES,
    summary: "The earlier versions of an edited message, oldest first",
    description: "Each version an edit replaced, with who replaced it and when. Not paged.",
    auth: "user",
    scopes: ["rooms:read"],
    params: messageParams,
    responses: { 200: { description: "The earlier versions (empty if never edited)", schema: historyResponse }, 404: noMessage },
  },
  {
    method: "put",
    path: "/api/v1/rooms/{id}/messages/{messageId}/pin",
    tag: MESSAGES,
    summary: "Pin a message to the timeline",
    description: "Members who can post may pin. Published as message:pinned; pinning a pinned message changes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: messageParams,
    responses: { 200: { description: "The message", schema: messageResponse }, 403: { description: "Observers cannot pin" }, 404: noMessage, 409: archived },
  },
  {
    method: "delete",
    path: "/api/v1/rooms/{id}/messages/{messageId}/pin",
    tag: MESSAGES,
    summary: "Unpin a message from the timeline",
    description: "Members who can post may unpin. Published as message:pinned (with pinned: false); unpinning a message that is not pinned changes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: messageParams,
    responses: { 200: { description: "The message", schema: messageResponse }, 403: { description: "Observers cannot unpin" }, 404: noMessage, 409: archived },
  },
  {
    method: "post",
    path: "/api/v1/rooms/{id}/messages/{messageId}/reactions",
    tag: MESSAGES,
    summary: "React to a message",
    description: "Every member may react, observers included. Published as reaction:updated with the counts after it; adding a reaction the caller already has changes nothing and publishes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: messageParams,
    body: reactionSchema,
    responses: {
      200: { description: "The message's reactions, per emoji", schema: reactionsResponse },
      404: noMessage,
      409: { description: "The room is archived, or the caller already has 20 different reactions on this message" },
      422: { description: "Not one emoji or a :shortcode:" },
    },
  },
  {
    method: "delete",
    path: "/api/v1/rooms/{id}/messages/{messageId}/reactions/{emoji}",
    tag: MESSAGES,
    summary: "Remove your reaction",
    description: "The emoji is URL-encoded in the path. Published as reaction:updated; removing a reaction the caller does not have changes nothing and publishes nothing.",
    auth: "user",
    scopes: ["rooms:write"],
    params: reactionParams,
    responses: {
      200: { description: "The message's reactions, per emoji", schema: reactionsResponse },
      404: noMessage,
      409: archived,
      422: { description: "The emoji in the path is not one emoji or a :shortcode:" },
    },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/online",
    tag: ROOMS,
    summary: "Members connected to the room now, with connection counts",
    description: "Members with at least one socket joined to the room, on any instance: the REST view of the presence events. Not paged.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    responses: { 200: { description: "The members online", schema: onlineResponse }, 404: notMember },
  },
  {
    method: "put",
    path: "/api/v1/rooms/{id}/read",
    tag: ROOMS,
    summary: "Move your read mark forward",
    description: "The mark never moves back and never past the room's last message; unread counts are the messages by others above it. Allowed in archived rooms and for observers.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    body: markReadSchema,
    responses: { 200: { description: "The read mark", schema: readResponse }, 404: notMember },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/timeline",
    tag: MESSAGES,
    summary: "The incident's timeline: key events and pinned messages",
    description: "The system entries for opening, status, severity, command and archiving, and the pinned messages, oldest first by seq. limit defaults to 100.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    query: timelineQuery,
    responses: { 200: { description: "A page of timeline messages", schema: messagePageSchema }, 404: notMember },
  },
  {
    method: "get",
    path: "/api/v1/rooms/{id}/typing",
    tag: ROOMS,
    summary: "Members typing now",
    description: "The REST view of the typing events: an entry lasts 3 s after the member's last typing event on the socket. Not paged.",
    auth: "user",
    scopes: ["rooms:read"],
    params: roomParams,
    responses: { 200: { description: "The members typing", schema: typingResponse }, 404: notMember },
  },
];
