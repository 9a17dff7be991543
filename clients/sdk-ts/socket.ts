import { io } from "socket.io-client";
import { backoffDelay, type BackoffOptions } from "./backoff";
import { Emitter } from "./emitter";
import { HubError } from "./errors";
import { RoomStream } from "./room-stream";
import type { JoinResult, MessageView, OutgoingMessage, PresenceEvent, Problem, RoomEvent, TypingEvent } from "./types";

/**
 * A Socket.IO client for incident rooms that survives real networks:
 * - reconnects by itself with backoff (1, 2, 4, 8, 16, 30, 30… s), after
 *   network loss, sleep, or the server restarting or telling it to go;
 * - remembers each joined room's position and, on every reconnect, joins
 *   with `lastSeq` and pages through what it missed, so the application sees
 *   every change once, in order, and never twice;
 * - queues sends while offline and delivers them once, in order, when it is
 *   back (each carries a clientId, so a resend after a lost ack is harmless).
 */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/** What the client needs from a socket; socket.io-client's Socket provides it (tests pass a fake). */
export interface Transport {
  readonly connected: boolean;
  connect(): void;
  disconnect(): void;
  on(event: string, listener: (...args: never[]) => void): void;
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
}

export type RoomsSocketOptions = {
  /** The hub's URL ("" or omitted in a browser on the hub's origin). */
  url?: string;
  /** An API key; omit in the browser to use the session cookie. */
  token?: string;
  path?: string;
  backoff?: BackoffOptions;
  /** How long to wait for an ack before treating the send as lost (it is resent with the same clientId). */
  ackTimeoutMs?: number;
  /** How long an out-of-order event waits for the ones before it before the room is resynced. */
  gapTimeoutMs?: number;
  /** Minimum time between two typing notifications for one room. */
  typingIntervalMs?: number;
  transports?: Array<"websocket" | "polling" | "webtransport">;
  /** Don't connect in the constructor; call connect(). */
  manual?: boolean;
  newClientId?: () => string;
  /**
   * Where to learn that the device lost or regained its network. In a
   * browser this defaults to `navigator.onLine` and the window's
   * online/offline events: going offline drops the socket at once (instead
   * of waiting for a ping to time out) and no attempt is made while offline;
   * coming back online retries at once. Pass `null` to turn it off.
   */
  network?: NetworkWatcher | null;
  /** Replaces socket.io-client (tests). */
  createTransport?: (url: string, options: { auth: Record<string, string>; path: string; transports?: string[] }) => Transport;
};

/** Tells the client whether the device has a network, and when that changes. */
export type NetworkWatcher = { isOnline(): boolean; subscribe(listener: (online: boolean) => void): () => void };

/** navigator.onLine and the window's online/offline events, where they exist. */
export function browserNetwork(): NetworkWatcher | null {
  const target = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void; navigator?: { onLine?: boolean } };
  if (typeof target.addEventListener !== "function" || typeof target.navigator?.onLine !== "boolean") return null;
  return {
    isOnline: () => target.navigator?.onLine !== false,
    subscribe(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      target.addEventListener!("online", online);
      target.addEventListener!("offline", offline);
      return () => {
        target.removeEventListener?.("online", online);
        target.removeEventListener?.("offline", offline);
      };
    },
  };
}

type MessageEventName = "message:new" | "message:edited" | "message:deleted" | "message:pinned";
type MessageEvent = Extract<RoomEvent, { message: MessageView }>;

export type RoomsSocketEvents = {
  "message:new": [MessageEvent & { type: "message:new" }];
  "message:edited": [MessageEvent & { type: "message:edited" }];
  "message:deleted": [MessageEvent & { type: "message:deleted" }];
  "message:pinned": [MessageEvent & { type: "message:pinned" }];
  "reaction:updated": [Extract<RoomEvent, { type: "reaction:updated" }>];
  "room:updated": [Extract<RoomEvent, { type: "room:updated" }>];
  /** Every room change above, in order, in one stream. */
  change: [RoomEvent];
  typing: [TypingEvent];
  presence: [PresenceEvent];
  state: [ConnectionState, { attempt: number; delayMs?: number; error?: HubError }];
  /** A (re)join finished: `missed` changes were replayed; `reset` when the room's history no longer matches ours. */
  resumed: [{ roomId: string; missed: number; position: number; reset: boolean }];
  /** A queued message reached the hub. */
  sent: [{ roomId: string; clientId: string; message: MessageView }];
  /** A queued message was refused for good (validation, permissions, size). */
  failed: [{ roomId: string; clientId: string; error: HubError }];
  /** A room could not be rejoined (for example the user was removed); it is forgotten. */
  error: [{ roomId?: string; error: HubError }];
};

export const ROOM_EVENT_NAMES = ["message:new", "message:edited", "message:deleted", "message:pinned", "reaction:updated", "room:updated"] as const;

type RoomState = {
  stream?: RoomStream;
  /** Live events that arrive while a (re)join is reading the gap. */
  buffer: RoomEvent[];
  sync?: Promise<JoinResult>;
  resyncAgain: boolean;
  online: Set<string>;
  typing: Map<string, number>;
  lastTypingSentAt: number;
};

type Queued = { roomId: string; clientId: string; payload: OutgoingMessage & { roomId: string; clientId: string }; resolve: (message: MessageView) => void; reject: (error: HubError) => void };

type AckReply<T> = ({ ok: true } & T) | { ok: false; error: Problem };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 128 random bits. getRandomValues, unlike randomUUID, also works on plain-http origins (a hub on a LAN address). */
function defaultClientId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `c_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export class RoomsSocket extends Emitter<RoomsSocketEvents> {
  private readonly transport: Transport;
  private readonly options: RoomsSocketOptions;
  private readonly rooms = new Map<string, RoomState>();
  private readonly queue: Queued[] = [];
  private stateValue: ConnectionState = "connecting";
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private pumping = false;
  private resuming: Promise<unknown> = Promise.resolve();
  private disconnected: Promise<void> = new Promise(() => {});
  private signalDisconnect: () => void = () => {};
  private readonly network: NetworkWatcher | null;
  private unwatchNetwork: () => void = () => {};
  private retryAtValue: number | null = null;

  constructor(options: RoomsSocketOptions = {}) {
    super();
    this.options = options;
    const url = options.url ?? "";
    const path = options.path ?? "/socket.io";
    const auth: Record<string, string> = options.token ? { token: options.token } : {};
    this.transport = options.createTransport
      ? options.createTransport(url, { auth, path, transports: options.transports })
      : socketIoTransport(url, { auth, path, transports: options.transports });

    this.transport.on("connect", () => this.onConnect());
    this.transport.on("disconnect", () => this.onDisconnect());
    this.transport.on("connect_error", (error: Error & { data?: { status?: number; detail?: string; retryAfterSeconds?: number } }) => this.onConnectError(error));
    for (const name of ROOM_EVENT_NAMES) this.transport.on(name, (event: RoomEvent) => this.onLive(event));
    this.transport.on("typing", (event: TypingEvent) => this.onTyping(event));
    this.transport.on("presence", (event: PresenceEvent) => this.onPresence(event));
    this.network = options.network === undefined ? browserNetwork() : options.network;
    if (this.network) this.unwatchNetwork = this.network.subscribe((online) => this.onNetwork(online));
    if (!options.manual) this.connect();
  }

  /** When the next reconnection attempt is due (ms since epoch), while reconnecting. */
  get retryAt(): number | null {
    return this.retryAtValue;
  }

  /** Skips the rest of the backoff delay and tries now (a "Retry now" button). */
  reconnectNow(): void {
    if (this.closed || this.transport.connected) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.retryAtValue = null;
    this.connect();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Messages waiting to be delivered, oldest first (show them as "sending…"). */
  get pending(): ReadonlyArray<{ roomId: string; clientId: string; content?: string }> {
    return this.queue.map((item) => ({ roomId: item.roomId, clientId: item.clientId, content: item.payload.content }));
  }

  /** The last position applied for a room: persist it to resume after a reload. */
  position(roomId: string): number | undefined {
    return this.rooms.get(roomId)?.stream?.position;
  }

  online(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.online ?? [])].sort();
  }

  /** Users typing in a room right now (their indicator has not expired). */
  typingUsers(roomId: string, now = Date.now()): string[] {
    return [...(this.rooms.get(roomId)?.typing ?? [])].filter(([, until]) => until > now).map(([userId]) => userId);
  }

  connect(): void {
    if (this.closed || this.transport.connected) return;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting", { attempt: this.attempt });
    this.transport.connect();
  }

  /** Stops for good: no reconnects; queued messages are rejected. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.unwatchNetwork();
    for (const room of this.rooms.values()) room.stream?.dispose();
    this.transport.disconnect();
    for (const item of this.queue.splice(0)) item.reject(new HubError({ status: 0, title: "Closed", detail: "The client was closed before the message was sent" }));
    this.setState("closed", { attempt: this.attempt });
  }

  /**
   * Joins a room and resolves once the client has caught up. Pass `lastSeq`
   * (a position you saved) to resume from there; without it the client
   * starts at the room's current position, and history comes from REST.
   * The room is rejoined (resumed) automatically after every reconnect.
   */
  async join(roomId: string, options: { lastSeq?: number } = {}): Promise<JoinResult> {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { buffer: [], resyncAgain: false, online: new Set(), typing: new Map(), lastTypingSentAt: 0 };
      this.rooms.set(roomId, room);
      if (options.lastSeq !== undefined) room.stream = this.newStream(roomId, options.lastSeq);
    }
    if (!this.transport.connected) await this.waitConnected();
    try {
      return await this.sync(roomId);
    } catch (error) {
      this.forget(roomId);
      throw error;
    }
  }

  async leave(roomId: string): Promise<void> {
    this.forget(roomId);
    if (this.transport.connected) await this.transport.emitWithAck("room:leave", { roomId }, this.ackTimeout).catch(() => undefined);
  }

  /**
   * Sends a message: at once when connected, otherwise when the connection
   * is back. Messages go out one at a time in the order given. Resolves with
   * the stored message; rejects only when the hub refuses it for good.
   */
  send(roomId: string, message: OutgoingMessage): Promise<MessageView> {
    const clientId = message.clientId ?? (this.options.newClientId ?? defaultClientId)();
    return new Promise((resolve, reject) => {
      this.queue.push({ roomId, clientId, payload: { ...message, roomId, clientId }, resolve, reject });
      void this.pump();
    });
  }

  /** Tells the room you are typing; call it on keystrokes, it throttles itself. Dropped while offline. */
  typing(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room || !this.transport.connected) return;
    const now = Date.now();
    if (now - room.lastTypingSentAt < (this.options.typingIntervalMs ?? 1000)) return;
    room.lastTypingSentAt = now;
    this.transport.emitWithAck("typing", { roomId }, this.ackTimeout).catch(() => undefined);
  }

  // --- connection --------------------------------------------------------------

  private get ackTimeout(): number {
    return this.options.ackTimeoutMs ?? 10_000;
  }

  private setState(state: ConnectionState, info: { attempt: number; delayMs?: number; error?: HubError }): void {
    this.stateValue = state;
    this.emit("state", state, info);
  }

  private onNetwork(online: boolean): void {
    if (this.closed) return;
    if (online) {
      this.reconnectNow();
      return;
    }
    // The socket would only notice after a ping timeout; drop it now so sends queue at once.
    if (this.transport.connected) this.transport.disconnect();
  }

  private onConnect(): void {
    this.attempt = 0;
    this.retryAtValue = null;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.disconnected = new Promise((resolve) => (this.signalDisconnect = resolve));
    this.setState("connected", { attempt: 0 });
    // Resume every room first, then deliver what was queued meanwhile.
    this.resuming = Promise.allSettled([...this.rooms.keys()].map((roomId) => this.sync(roomId)));
    void this.resuming.then(() => this.pump());
  }

  private onDisconnect(): void {
    this.signalDisconnect();
    for (const room of this.rooms.values()) room.typing.clear();
    if (!this.closed) this.scheduleReconnect();
  }

  private onConnectError(error: Error & { data?: { status?: number; detail?: string; retryAfterSeconds?: number } }): void {
    const status = error.data?.status;
    const problem = new HubError({ status: status ?? 0, title: error.message, detail: error.data?.detail ?? error.message });
    if (status === 401 || status === 403) {
      // A revoked key or an ended session: retrying will not help.
      this.closed = true;
      this.setState("closed", { attempt: this.attempt, error: problem });
      this.emit("error", { error: problem });
      return;
    }
    this.scheduleReconnect((error.data?.retryAfterSeconds ?? 0) * 1000, problem);
  }

  private scheduleReconnect(atLeastMs = 0, error?: HubError): void {
    if (this.closed || this.reconnectTimer) return;
    const delayMs = Math.max(atLeastMs, backoffDelay(this.attempt, this.options.backoff));
    this.attempt++;
    this.retryAtValue = Date.now() + delayMs;
    this.setState("reconnecting", { attempt: this.attempt, delayMs, error });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.retryAtValue = null;
      if (this.closed || this.transport.connected) return;
      // No network: don't try, wait the next (longer) delay; the online event cuts it short.
      if (this.network && !this.network.isOnline()) this.scheduleReconnect();
      else this.transport.connect();
    }, delayMs);
  }

  private waitConnected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new HubError({ status: 0, title: "Closed", detail: "The client is closed" }));
      const offState = this.on("state", (state) => {
        if (state === "connected" || state === "closed") {
          offState();
          if (state === "connected") resolve();
          else reject(new HubError({ status: 0, title: "Closed", detail: "The client is closed" }));
        }
      });
    });
  }

  /** An ack, or undefined when the connection dropped or the ack timed out. */
  private async request<T>(event: string, payload: unknown): Promise<AckReply<T> | undefined> {
    if (!this.transport.connected) return undefined;
    const lost = this.disconnected.then(() => undefined);
    return Promise.race([this.transport.emitWithAck(event, payload, this.ackTimeout).catch(() => undefined) as Promise<AckReply<T> | undefined>, lost]);
  }

  // --- rooms -------------------------------------------------------------------

  private newStream(roomId: string, position: number): RoomStream {
    return new RoomStream(
      position,
      (event) => this.deliver(event),
      () => void this.sync(roomId, { again: true }).catch(() => undefined),
      this.options.gapTimeoutMs ?? 500,
    );
  }

  private forget(roomId: string): void {
    this.rooms.get(roomId)?.stream?.dispose();
    this.rooms.delete(roomId);
  }

  /** Joins with the room's position and pages until caught up. Concurrent calls share one run. */
  private sync(roomId: string, options: { again?: boolean } = {}): Promise<JoinResult> {
    const room = this.rooms.get(roomId);
    if (!room) return Promise.reject(new HubError({ status: 404, title: "Not joined", detail: `Not joined to ${roomId}` }));
    if (room.sync) {
      // A gap found while a run is reading may lie beyond what that run reads: go once more.
      if (options.again) room.resyncAgain = true;
      return room.sync;
    }
    room.sync = this.runSync(roomId, room).finally(() => {
      room.sync = undefined;
      if (room.resyncAgain && this.rooms.get(roomId) === room && this.transport.connected) {
        room.resyncAgain = false;
        void this.sync(roomId).catch(() => undefined);
      }
    });
    return room.sync;
  }

  private async runSync(roomId: string, room: RoomState): Promise<JoinResult> {
    let first: JoinResult | undefined;
    let missed = 0;
    let reset = false;
    for (;;) {
      const reply = await this.request<JoinResult>("room:join", { roomId, lastSeq: room.stream?.position });
      if (!reply) throw new HubError({ status: 0, title: "Disconnected", detail: "The connection dropped while joining; it resumes on reconnect" });
      if (!reply.ok) {
        const error = new HubError(reply.error);
        if (error.status === 404 || error.status === 403) {
          this.forget(roomId);
          this.emit("error", { roomId, error });
        }
        throw error;
      }
      first ??= reply;
      room.online = new Set(reply.online);
      if (!room.stream) {
        room.stream = this.newStream(roomId, reply.position);
      } else if (reply.position < room.stream.position && reply.missed.length === 0) {
        room.stream.reset(reply.position);
        reset = true;
      }
      for (const event of reply.missed) if (room.stream.push(event)) missed++;
      room.stream.settle(reply.position);
      if (!reply.hasMore) break;
    }
    for (const event of room.buffer.splice(0)) room.stream.push(event);
    this.emit("resumed", { roomId, missed, position: room.stream.position, reset });
    return { ...first, missed: [], position: room.stream.position, hasMore: false };
  }

  private onLive(event: RoomEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room) return;
    if (room.sync || !room.stream) room.buffer.push(event);
    else room.stream.push(event);
  }

  private deliver(event: RoomEvent): void {
    if (event.type === "message:new") this.rooms.get(event.roomId)?.typing.delete(event.message.authorId);
    this.emit(event.type as MessageEventName, event as never);
    this.emit("change", event);
  }

  private onTyping(event: TypingEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room) return;
    if (event.typing && event.expiresAt) room.typing.set(event.userId, Date.parse(event.expiresAt));
    else room.typing.delete(event.userId);
    this.emit("typing", event);
  }

  private onPresence(event: PresenceEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room) return;
    room.online = new Set(event.online);
    this.emit("presence", event);
  }

  // --- the offline queue ---------------------------------------------------------

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      await this.resuming;
      while (this.queue.length > 0 && this.transport.connected && !this.closed) {
        const item = this.queue[0]!;
        const reply = await this.request<{ message: MessageView }>("message:send", item.payload);
        if (!reply) continue; // Lost: resent with the same clientId, now or after the reconnect.
        if (reply.ok) {
          this.queue.shift();
          item.resolve(reply.message);
          this.emit("sent", { roomId: item.roomId, clientId: item.clientId, message: reply.message });
          continue;
        }
        const error = new HubError(reply.error);
        if (error.status === 429 || error.status >= 500) {
          await sleep((error.retryAfterSeconds ?? 1) * 1000);
          continue;
        }
        this.queue.shift();
        item.reject(error);
        this.emit("failed", { roomId: item.roomId, clientId: item.clientId, error });
      }
    } finally {
      this.pumping = false;
    }
    // Something was queued or the connection came back while the loop was finishing.
    if (this.queue.length > 0 && this.transport.connected && !this.closed) void this.pump();
  }
}

function socketIoTransport(url: string, options: { auth: Record<string, string>; path: string; transports?: string[] }): Transport {
  const socket = io(url, {
    path: options.path,
    auth: options.auth,
    transports: options.transports ?? ["websocket", "polling"],
    // This client reconnects itself: socket.io's own retry stops after a server-initiated disconnect.
    reconnection: false,
    autoConnect: false,
    withCredentials: true,
  });
  return {
    get connected() {
      return socket.connected;
    },
    connect: () => void socket.connect(),
    disconnect: () => void socket.disconnect(),
    on: (event, listener) => void socket.on(event, listener as (...args: unknown[]) => void),
    emitWithAck: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
  };
}
