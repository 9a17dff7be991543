import { HubError } from "./errors";
import type {
  MemberView,
  MessageEdit,
  MessageView,
  OutgoingMessage,
  Page,
  Problem,
  ReactionCount,
  RoomDetail,
  RoomRole,
  RoomSeverity,
  RoomStatus,
  RoomSummary,
  SearchHit,
} from "./types";

/**
 * Typed calls to the incident-room REST API. In a browser on the hub's own
 * origin, leave `token` out and the session cookie is sent; anywhere else,
 * pass an API key with the rooms:read / rooms:write scopes.
 */
export type RestOptions = {
  /** The hub's URL, e.g. https://hub.example.com ("" for the current origin). */
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
};

export type RoomsApi = ReturnType<typeof createRoomsApi>;

type Query = Record<string, string | number | boolean | undefined>;

export function createRoomsApi(options: RestOptions) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.baseUrl.replace(/\/$/, "");

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await doFetch(`${base}/api/v1${path}${search.size > 0 ? `?${search}` : ""}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: options.token ? "omit" : "same-origin",
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const problem = (parsed ?? {}) as Partial<Problem>;
      throw new HubError({ status: res.status, title: problem.title ?? res.statusText, detail: problem.detail ?? text, type: problem.type, requestId: problem.requestId, errors: problem.errors });
    }
    return parsed as T;
  }

  const room = (id: string) => `/rooms/${encodeURIComponent(id)}`;
  const message = (roomId: string, messageId: string) => `${room(roomId)}/messages/${encodeURIComponent(messageId)}`;

  return {
    listRooms: (query: { archived?: "true" | "false" | "all"; status?: RoomStatus; limit?: number; cursor?: string } = {}) => request<Page<RoomSummary>>("GET", "/rooms", undefined, query),
    createRoom: async (input: { title: string; severity: RoomSeverity; description?: string; status?: RoomStatus; members?: Array<{ userId: string; role?: Exclude<RoomRole, "commander"> }> }) =>
      (await request<{ room: RoomDetail }>("POST", "/rooms", input)).room,
    getRoom: async (roomId: string) => (await request<{ room: RoomDetail }>("GET", room(roomId))).room,
    updateRoom: async (roomId: string, changes: { title?: string; description?: string; severity?: RoomSeverity; status?: RoomStatus; commanderId?: string; archived?: boolean }) =>
      (await request<{ room: RoomDetail }>("PATCH", room(roomId), changes)).room,
    addMember: async (roomId: string, member: ({ userId: string } | { email: string }) & { role?: Exclude<RoomRole, "commander"> }) =>
      (await request<{ member: MemberView }>("POST", `${room(roomId)}/members`, member)).member,
    removeMember: (roomId: string, userId: string) => request<void>("DELETE", `${room(roomId)}/members`, undefined, { userId }),
    listMessages: (roomId: string, query: { afterSeq?: number; beforeSeq?: number; limit?: number; cursor?: string } = {}) => request<Page<MessageView>>("GET", `${room(roomId)}/messages`, undefined, query),
    postMessage: async (roomId: string, input: OutgoingMessage) => (await request<{ message: MessageView }>("POST", `${room(roomId)}/messages`, input)).message,
    editMessage: async (roomId: string, messageId: string, changes: { content?: string; data?: Record<string, unknown> }) =>
      (await request<{ message: MessageView }>("PATCH", message(roomId, messageId), changes)).message,
    deleteMessage: async (roomId: string, messageId: string) => (await request<{ message: MessageView }>("DELETE", message(roomId, messageId))).message,
    messageHistory: async (roomId: string, messageId: string) => (await request<{ data: MessageEdit[] }>("GET", `${message(roomId, messageId)}/history`)).data,
    react: (roomId: string, messageId: string, emoji: string) => request<{ messageId: string; reactions: ReactionCount[] }>("POST", `${message(roomId, messageId)}/reactions`, { emoji }),
    unreact: (roomId: string, messageId: string, emoji: string) =>
      request<{ messageId: string; reactions: ReactionCount[] }>("DELETE", `${message(roomId, messageId)}/reactions/${encodeURIComponent(emoji)}`),
    pin: async (roomId: string, messageId: string) => (await request<{ message: MessageView }>("PUT", `${message(roomId, messageId)}/pin`)).message,
    unpin: async (roomId: string, messageId: string) => (await request<{ message: MessageView }>("DELETE", `${message(roomId, messageId)}/pin`)).message,
    timeline: (roomId: string, query: { afterSeq?: number; limit?: number; cursor?: string } = {}) => request<Page<MessageView>>("GET", `${room(roomId)}/timeline`, undefined, query),
    search: (roomId: string, q: string, query: { limit?: number; cursor?: string } = {}) => request<Page<SearchHit>>("GET", `${room(roomId)}/messages/search`, undefined, { q, ...query }),
    searchAll: (q: string, query: { limit?: number; cursor?: string } = {}) => request<Page<SearchHit>>("GET", "/rooms/search", undefined, { q, ...query }),
    online: async (roomId: string) => (await request<{ data: Array<{ userId: string; name: string; role: RoomRole; connections: number }> }>("GET", `${room(roomId)}/online`)).data,
    typing: async (roomId: string) => (await request<{ data: Array<{ userId: string; name: string; expiresAt: string }> }>("GET", `${room(roomId)}/typing`)).data,
    markRead: (roomId: string, seq: number) => request<{ lastReadSeq: number }>("PUT", `${room(roomId)}/read`, { seq }),
  };
}
