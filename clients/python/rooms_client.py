#!/usr/bin/env python3
"""Message Hub incident rooms: a small example client with python-socketio.

It connects with an API key, joins a room, resumes exactly where it left off
(the last change position is kept in a state file), sends a message with a
clientId (so a retry never posts twice), and prints every event it receives
as one JSON line.

    python3 rooms_client.py --url http://localhost:3000 --token mh_... \
        --room room_... --state ./room.state --send "hello from python" --listen 10

Needs python-socketio 5 with websocket-client (Debian: python3-socketio and
python3-websocket; pip: "python-socketio[client]").
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid

import socketio

ROOM_EVENTS = ["message:new", "message:edited", "message:deleted", "message:pinned", "reaction:updated", "room:updated"]


def emit_line(kind, payload):
    """One JSON object per line on stdout, so other programs can read the stream."""
    sys.stdout.write(json.dumps({"kind": kind, **payload}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class RoomFollower:
    """Follows one room: applies its changes in position order, exactly once."""

    def __init__(self, sio, room_id, position=None, timeout=10):
        self.sio = sio
        self.room_id = room_id
        self.position = position  # the last change position applied; None before the first join
        self.timeout = timeout
        self.lock = threading.Lock()
        self.syncing = False
        self.buffer = []

    def join(self):
        """Joins with lastSeq and pages until caught up. Returns how many missed changes were applied."""
        with self.lock:
            self.syncing = True
        applied = 0
        try:
            while True:
                payload = {"roomId": self.room_id}
                if self.position is not None:
                    payload["lastSeq"] = self.position
                reply = self.sio.call("room:join", payload, timeout=self.timeout)
                if not reply.get("ok"):
                    raise RuntimeError("join refused: %s" % json.dumps(reply.get("error")))
                if self.position is None:
                    self.position = reply["position"]
                for event in reply["missed"]:
                    if self.apply(event, "missed"):
                        applied += 1
                if not reply["hasMore"]:
                    emit_line("joined", {"roomId": self.room_id, "position": self.position, "missed": applied, "online": reply["online"]})
                    break
        finally:
            with self.lock:
                self.syncing = False
                buffered, self.buffer = self.buffer, []
            for event in sorted(buffered, key=lambda e: e["position"]):
                self.on_live(event)
        return applied

    def apply(self, event, source):
        if event["position"] <= self.position:
            return False  # already seen: a resume page and a live event can overlap
        if event["position"] != self.position + 1:
            return False
        self.position = event["position"]
        emit_line(source, event)
        return True

    def on_live(self, event):
        with self.lock:
            if self.syncing:
                self.buffer.append(event)
                return
        if event["position"] > self.position + 1:
            # Something is missing: read it from the hub instead of guessing.
            self.sio.start_background_task(self.join)
            return
        self.apply(event, "live")


def load_position(path):
    if path and os.path.exists(path):
        with open(path) as handle:
            return int(handle.read().strip())
    return None


def save_position(path, position):
    if path and position is not None:
        with open(path, "w") as handle:
            handle.write(str(position))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the hub's URL")
    parser.add_argument("--token", default=os.environ.get("HUB_TOKEN"), help="API key with rooms:read and rooms:write (or HUB_TOKEN)")
    parser.add_argument("--room", required=True, help="the room id")
    parser.add_argument("--state", help="file that keeps the last position, to resume next time")
    parser.add_argument("--since", type=int, help="resume after this position (overrides --state)")
    parser.add_argument("--send", action="append", default=[], help="a message to send (repeatable)")
    parser.add_argument("--client-id", help="clientId of the first message (default: random)")
    parser.add_argument("--listen", type=float, default=0, help="seconds to keep printing live events")
    args = parser.parse_args()
    if not args.token:
        parser.error("--token or HUB_TOKEN is required")

    try:
        import websocket  # noqa: F401  (websocket-client: lets us skip long-polling)
        transports = ["websocket"]
    except ImportError:
        transports = ["polling"]

    # Backoff 1, 2, 4, 8… capped at 30 s, like the other clients.
    sio = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=30, randomization_factor=0)
    position = args.since if args.since is not None else load_position(args.state)
    follower = RoomFollower(sio, args.room, position)
    connected_once = threading.Event()
    handshake = {"done": threading.Event(), "error": None}

    @sio.event
    def connect():
        if connected_once.is_set():
            # A reconnect: resume the room from the last applied position.
            sio.start_background_task(follower.join)
        connected_once.set()
        handshake["done"].set()

    @sio.event
    def connect_error(data):
        # The hub refused the handshake: 401 (bad key) or 429 (too many connection attempts).
        handshake["error"] = data
        handshake["done"].set()

    for name in ROOM_EVENTS:
        sio.on(name, lambda event: follower.on_live(event))
    sio.on("typing", lambda event: emit_line("typing", event))
    sio.on("presence", lambda event: emit_line("presence", event))

    try:
        sio.connect(args.url, auth={"token": args.token}, transports=transports, wait=False)
    except socketio.exceptions.ConnectionError as error:
        emit_line("error", {"error": str(error)})
        return 2
    if not handshake["done"].wait(10) or handshake["error"] is not None:
        emit_line("error", {"error": handshake["error"] or "no answer to the handshake within 10 s"})
        sio.disconnect()
        return 2

    status = 0
    try:
        follower.join()
        for index, content in enumerate(args.send):
            client_id = args.client_id if (index == 0 and args.client_id) else str(uuid.uuid4())
            reply = sio.call("message:send", {"roomId": args.room, "content": content, "clientId": client_id}, timeout=10)
            emit_line("ack", reply)
            if not reply.get("ok"):
                status = 1
        deadline = time.time() + args.listen
        while time.time() < deadline:
            sio.sleep(0.1)
    except Exception as error:  # report any failure as a line, then exit non-zero
        emit_line("error", {"error": str(error)})
        status = 1
    finally:
        save_position(args.state, follower.position)
        sio.disconnect()
    return status


if __name__ == "__main__":
    sys.exit(main())
