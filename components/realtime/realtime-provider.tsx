"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Socket } from "socket.io-client";
import { backoffDelay } from "@/components/realtime/backoff";
import type { RealtimeEventName, RealtimeEvents } from "@/components/realtime/events";

/**
 * One Socket.IO connection per tab, opened with the session cookie (same
 * origin: the server authenticates the cookie on the handshake and joins the
 * socket to the user's room).
 *
 * Reconnection is ours rather than socket.io's, so the UI can say when the
 * next try is: exponential backoff from 1 s to 30 s with jitter, an immediate
 * try when the browser comes back online or the tab becomes visible, and a
 * stop when the server says the session is gone. After a reconnect every
 * active query is refetched (events may have been missed meanwhile) and the
 * onReconnect listeners run, so features can resume from their cursor.
 *
 * socket.io-client is loaded after first paint, so it is not in the shell's
 * first-load JavaScript.
 */
export type RealtimeStatus = "connecting" | "connected" | "reconnecting" | "offline" | "unauthorized";

type Handler = (payload: unknown) => void;
type Ack = { ok: boolean; [key: string]: unknown };

type RealtimeContextValue = {
  status: RealtimeStatus;
  /** When the next reconnection attempt happens (ms since epoch), while reconnecting. */
  retryAt: number | null;
  retryNow: () => void;
  subscribe: (event: string, handler: Handler) => () => void;
  onReconnect: (listener: () => void) => () => void;
  emitWithAck: (event: string, payload: unknown, timeoutMs?: number) => Promise<Ack>;
};

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>("connecting");
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const socketRef = useRef<Socket | null>(null);
  const handlers = useRef(new Map<string, Set<Handler>>());
  const reconnectListeners = useRef(new Set<() => void>());
  const connectNow = useRef<() => void>(() => {});

  useEffect(() => {
    let disposed = false;
    let attempt = 0;
    let everConnected = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let socket: Socket | null = null;

    const connect = () => {
      clearTimeout(timer);
      setRetryAt(null);
      if (!socket || disposed) return;
      if (socket.connected) {
        // Back online and the connection survived the blip.
        setStatus("connected");
        return;
      }
      if (!navigator.onLine) {
        setStatus("offline");
        return;
      }
      setStatus(everConnected ? "reconnecting" : "connecting");
      socket.connect();
    };
    connectNow.current = connect;

    const scheduleRetry = () => {
      if (disposed) return;
      if (!navigator.onLine) {
        setStatus("offline");
        return;
      }
      const delay = backoffDelay(attempt++);
      setStatus("reconnecting");
      setRetryAt(Date.now() + delay);
      clearTimeout(timer);
      timer = setTimeout(connect, delay);
    };

    void import("socket.io-client").then(({ io }) => {
      if (disposed) return;
      socket = io({ path: "/socket.io", autoConnect: false, reconnection: false, withCredentials: true, transports: ["websocket"] });
      socketRef.current = socket;
      socket.on("connect", () => {
        attempt = 0;
        setStatus("connected");
        setRetryAt(null);
        if (everConnected) {
          void queryClient.invalidateQueries();
          for (const listener of reconnectListeners.current) listener();
        }
        everConnected = true;
      });
      socket.on("disconnect", (reason) => {
        if (reason === "io client disconnect") return;
        scheduleRetry();
      });
      socket.on("connect_error", (error: Error & { data?: { status?: number } }) => {
        if (error.message === "Unauthorized" || error.data?.status === 401) {
          setStatus("unauthorized");
          return;
        }
        scheduleRetry();
      });
      socket.onAny((event: string, payload: unknown) => {
        for (const handler of handlers.current.get(event) ?? []) handler(payload);
      });
      connect();
    });

    const onOnline = () => connect();
    const onOffline = () => {
      clearTimeout(timer);
      setRetryAt(null);
      setStatus("offline");
    };
    const onVisible = () => {
      if (document.visibilityState === "visible" && socket && !socket.connected && !socket.active) connect();
    };
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      disposed = true;
      clearTimeout(timer);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisible);
      socket?.disconnect();
      socketRef.current = null;
    };
  }, [queryClient]);

  const subscribe = useCallback((event: string, handler: Handler) => {
    const set = handlers.current.get(event) ?? new Set<Handler>();
    set.add(handler);
    handlers.current.set(event, set);
    return () => {
      set.delete(handler);
    };
  }, []);

  const onReconnect = useCallback((listener: () => void) => {
    reconnectListeners.current.add(listener);
    return () => {
      reconnectListeners.current.delete(listener);
    };
  }, []);

  const emitWithAck = useCallback(async (event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack> => {
    const socket = socketRef.current;
    if (!socket?.connected) return { ok: false, error: { status: 0, title: "Not connected", detail: "The live connection is down; try again when it is back." } };
    try {
      return (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack;
    } catch {
      return { ok: false, error: { status: 0, title: "Timed out", detail: "The server did not answer in time." } };
    }
  }, []);

  const retryNow = useCallback(() => connectNow.current(), []);
  const value = useMemo(() => ({ status, retryAt, retryNow, subscribe, onReconnect, emitWithAck }), [status, retryAt, retryNow, subscribe, onReconnect, emitWithAck]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

function useRealtimeContext(): RealtimeContextValue {
  const context = useContext(RealtimeContext);
  if (!context) throw new Error("Realtime hooks need a <RealtimeProvider> above them");
  return context;
}

/**
 * Calls `handler` for every `event` the server sends while the component is
 * mounted; the latest handler is always the one called.
 *
 *   useRealtimeEvent("hub:message", () => refetchAfterChange(queryClient, { queryKey: queryKeys.messages.all() }));
 *
 * (refetchAfterChange, not a plain invalidateQueries: see components/realtime/refetch.ts.)
 */
export function useRealtimeEvent<E extends RealtimeEventName>(event: E, handler: (payload: RealtimeEvents[E]) => void): void {
  const { subscribe } = useRealtimeContext();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => subscribe(event, (payload) => latest.current(payload as RealtimeEvents[E])), [event, subscribe]);
}

/** Runs `listener` after every reconnection (not the first connection): resume from your cursor here. */
export function useOnReconnect(listener: () => void): void {
  const { onReconnect } = useRealtimeContext();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => onReconnect(() => latest.current()), [onReconnect]);
}

export function useRealtime(): Pick<RealtimeContextValue, "status" | "retryAt" | "retryNow" | "emitWithAck"> {
  const { status, retryAt, retryNow, emitWithAck } = useRealtimeContext();
  return { status, retryAt, retryNow, emitWithAck };
}
