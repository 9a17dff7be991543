/**
 * The types the hub sends and accepts, imported (type-only) from the
 * server's own schemas so the client cannot drift from the server. Nothing
 * here exists at runtime: bundling this SDK pulls in no server code.
 */
export type {
  JoinResult,
  MemberView,
  MessageEdit,
  MessageView,
  PresenceEvent,
  ReactionCount,
  RoomDetail,
  RoomEvent,
  RoomEventType,
  RoomMessageType,
  RoomRole,
  RoomSeverity,
  RoomStatus,
  RoomSummary,
  RoomView,
  SearchHit,
  TypingEvent,
} from "@/lib/rooms/schemas";

/** A list page, as every list route returns it. */
export type Page<T> = { data: T[]; nextCursor: string | null; hasMore: boolean };

/** An error as the hub reports it: RFC 9457 problem details over REST, or the ack's error over the socket. */
export type Problem = { status: number; title: string; detail: string; type?: string; requestId?: string; errors?: Array<{ path: string; message: string; code?: string }> };

/** What a message send carries. `clientId` makes it idempotent; the socket client fills it in when absent. */
export type OutgoingMessage = {
  content?: string;
  type?: "text" | "image_ref" | "file_ref" | "incident_data";
  data?: Record<string, unknown>;
  clientId?: string;
};
