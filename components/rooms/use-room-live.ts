"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { HubError } from "@/clients/sdk-ts/errors";
import { RoomsSocket, type ConnectionState } from "@/clients/sdk-ts/socket";
import type { MessageView, RoomDetail, RoomEvent } from "@/clients/sdk-ts/types";
import { errorDetail, roomsApi } from "@/components/rooms/api";
import { queryKeys } from "@/lib/query-keys";
import { newClientId } from "@/components/client-id";

/** A message typed here that the hub has not confirmed yet. */
export type PendingMessage = { clientId: string; content: string; failed?: string };

export type Connection = { state: ConnectionState; retryAt: number | null; attempt: number };

/** Keeps the newer of two versions of a message (by the position of its latest change). */
function newer(current: MessageView | undefined, next: MessageView): MessageView {
  return current && current.changeSeq > next.changeSeq ? current : next;
}

/**
 * One room, live, through the SDK's RoomsSocket: history from REST, then
 * every change after the room's position (the one the server rendered the
 * page at) from the socket, so nothing between the two is lost. The SDK
 * reconnects with backoff, resumes from the last applied position and
 * queues sends while offline; this hook turns that into React state.
 */
export function useRoomLive(initialRoom: RoomDetail) {
  const roomId = initialRoom.id;
  const queryClient = useQueryClient();
  const [room, setRoom] = useState<RoomDetail>(initialRoom);
  const [messages, setMessages] = useState<Map<string, MessageView>>(() => new Map());
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [connection, setConnection] = useState<Connection>({ state: "connecting", retryAt: null, attempt: 0 });
  const [online, setOnline] = useState<string[]>([]);
  const [typing, setTyping] = useState<string[]>([]);
  const [history, setHistory] = useState<{ loading: boolean; error: string | null; hasOlder: boolean }>({ loading: true, error: null, hasOlder: false });
  const [fatal, setFatal] = useState<string | null>(null);
  const socketRef = useRef<RoomsSocket | null>(null);

  const upsert = useCallback((list: MessageView[]) => {
    setMessages((current) => {
      const next = new Map(current);
      for (const message of list) next.set(message.id, newer(next.get(message.id), message));
      return next;
    });
    const confirmed = new Set(list.map((message) => message.clientId).filter(Boolean));
    if (confirmed.size > 0) setPending((current) => current.filter((item) => !confirmed.has(item.clientId)));
  }, []);

  const refreshRoom = useCallback(() => {
    roomsApi.getRoom(roomId).then(setRoom, () => undefined);
  }, [roomId]);

  const fetchLatest = useCallback(
    () =>
      roomsApi.listMessages(roomId, { limit: 50 }).then(
        (page) => {
          upsert(page.data);
          setHistory({ loading: false, error: null, hasOlder: page.hasMore });
        },
        (error: unknown) => setHistory((current) => ({ ...current, loading: false, error: errorDetail(error) })),
      ),
    [roomId, upsert],
  );
  const loadLatest = useCallback(() => {
    setHistory((current) => ({ ...current, loading: true, error: null }));
    void fetchLatest();
  }, [fetchLatest]);

  useEffect(() => {
    const live = new RoomsSocket({ url: window.location.origin, newClientId });
    socketRef.current = live;
    const offs = [
      live.on("state", (state, info) => setConnection({ state, retryAt: live.retryAt, attempt: info.attempt })),
      live.on("change", (event: RoomEvent) => {
        if (event.roomId !== roomId) return;
        if (event.type === "reaction:updated") {
          setMessages((current) => {
            const message = current.get(event.messageId);
            if (!message) return current;
            const next = new Map(current);
            next.set(message.id, { ...message, reactions: event.reactions, changeSeq: Math.max(message.changeSeq, event.position) });
            return next;
          });
        } else if (event.type === "room:updated") {
          setRoom((current) => ({ ...current, ...event.room }));
          refreshRoom();
          void queryClient.invalidateQueries({ queryKey: queryKeys.rooms.timeline(roomId) });
        } else {
          upsert([event.message]);
          if (event.type === "message:pinned" || event.message.type === "system" || event.message.pinned) void queryClient.invalidateQueries({ queryKey: queryKeys.rooms.timeline(roomId) });
          // Membership changes arrive as system messages: reload the member list.
          if (event.message.type === "system") refreshRoom();
        }
      }),
      live.on("presence", (event) => event.roomId === roomId && setOnline(event.online)),
      live.on("typing", (event) => event.roomId === roomId && setTyping(live.typingUsers(roomId))),
      live.on("resumed", (event) => event.roomId === roomId && setOnline(live.online(roomId))),
      live.on("error", ({ roomId: failed, error }) => {
        if (failed === roomId || error.status === 401) setFatal(error.status === 401 ? "Your session has ended. Sign in again to keep following this room." : errorDetail(error));
      }),
    ];
    // Everything after the position the page was rendered at comes from the socket, so nothing falls between REST and live.
    live.join(roomId, { lastSeq: initialRoom.position }).then(
      () => setOnline(live.online(roomId)),
      (error: unknown) => {
        if (error instanceof HubError && (error.status === 404 || error.status === 403)) setFatal(errorDetail(error));
      },
    );
    // Typing lines expire after their 3 s even if the "stopped" event never comes.
    const expire = setInterval(() => setTyping((current) => (current.length > 0 ? live.typingUsers(roomId) : current)), 1000);
    return () => {
      clearInterval(expire);
      for (const off of offs) off();
      live.close();
      socketRef.current = null;
    };
    // The socket lives as long as the page shows this room.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roomId]);

  useEffect(() => {
    void fetchLatest();
  }, [fetchLatest]);

  const loadOlder = useCallback(() => {
    const oldest = [...messages.values()].reduce((min, message) => Math.min(min, message.seq), Number.POSITIVE_INFINITY);
    if (!Number.isFinite(oldest)) return;
    setHistory((current) => ({ ...current, loading: true }));
    roomsApi.listMessages(roomId, { beforeSeq: oldest, limit: 50 }).then(
      (page) => {
        upsert(page.data);
        setHistory({ loading: false, error: null, hasOlder: page.hasMore });
      },
      (error: unknown) => setHistory((current) => ({ ...current, loading: false, error: errorDetail(error) })),
    );
  }, [messages, roomId, upsert]);

  const send = useCallback(
    (content: string) => {
      const live = socketRef.current;
      if (!live) return;
      const clientId = newClientId();
      setPending((current) => [...current, { clientId, content }]);
      live.send(roomId, { content, clientId }).then(
        (message) => upsert([message]),
        (error: unknown) => setPending((current) => current.map((item) => (item.clientId === clientId ? { ...item, failed: errorDetail(error) } : item))),
      );
    },
    [roomId, upsert],
  );

  const discard = useCallback((clientId: string) => setPending((current) => current.filter((item) => item.clientId !== clientId)), []);
  const notifyTyping = useCallback(() => socketRef.current?.typing(roomId), [roomId]);
  const reconnectNow = useCallback(() => socketRef.current?.reconnectNow(), []);

  const sorted = useMemo(() => [...messages.values()].sort((a, b) => a.seq - b.seq), [messages]);

  // The read mark follows what this tab has shown while it is visible.
  const lastSeq = sorted.at(-1)?.seq ?? 0;
  const markedRef = useRef(initialRoom.lastReadSeq);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== "visible" || lastSeq <= markedRef.current) return;
      markedRef.current = lastSeq;
      roomsApi.markRead(roomId, lastSeq).catch(() => undefined);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [lastSeq, roomId]);

  return { room, setRoom, messages: sorted, upsert, pending, connection, online, typing, history, loadOlder, loadLatest, send, discard, notifyTyping, reconnectNow, fatal, refreshRoom };
}
