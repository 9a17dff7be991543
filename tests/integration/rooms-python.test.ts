import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { editMessage } from "@/lib/rooms/edit-message";
import { postMessage } from "@/lib/rooms/post-message";
import { addReaction } from "@/lib/rooms/reactions";
import type { RoomEvent } from "@/lib/rooms/schemas";
import { registerRoomSockets } from "@/server/realtime/rooms";
import { makeUser } from "@/tests/helpers/factories";
import { connectClient, startRealtimeServer } from "@/tests/helpers/realtime";
import { ack, actorOf, captureRoomEvents, openRoom, until } from "@/tests/helpers/rooms";

/**
 * The Python example client (clients/python) against the real realtime
 * layer. Runs wherever a python3 with python-socketio and websocket-client
 * is installed (Debian: python3-socketio, python3-websocket).
 */
const SCRIPT = path.resolve(import.meta.dirname, "../../clients/python/rooms_client.py");

function findPython(): string | undefined {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(candidate, ["-c", "import socketio, websocket"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const python = findPython();

type Line = { kind: string } & Record<string, any>;

function runClient(args: string[]): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python!, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, lines: stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Line) });
    });
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  setRealtimeServer(undefined);
});

describe.skipIf(!python)("the Python example client", () => {
  it("connects, joins, sends, receives, and resumes exactly what it missed", async () => {
    const server = await startRealtimeServer({ registrars: [registerRoomSockets] });
    cleanups.push(server.close);
    setRealtimeServer(server.realtime.io);
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const state = path.join(mkdtempSync(path.join(os.tmpdir(), "mh-py-")), "room.state");

    const watcher = await connectClient(server.url, alice.key);
    await ack(watcher, "room:join", { roomId });
    const seen = captureRoomEvents(watcher);

    const first = await runClient(["--url", server.url, "--token", bob.key, "--room", roomId, "--state", state, "--send", "hello from python", "--client-id", "py-1", "--listen", "1"]);
    expect(first.code, first.stderr).toBe(0);
    const ackLine = first.lines.find((line) => line.kind === "ack")!;
    expect(ackLine).toMatchObject({ ok: true, created: true, message: { content: "hello from python", authorId: bob.user.id, clientId: "py-1" } });
    // Its own message came back live, and the JS client saw it too.
    expect(first.lines.find((line) => line.kind === "live")).toMatchObject({ type: "message:new", message: { id: ackLine.message.id } });
    await until(() => seen.some((e) => e.type === "message:new" && e.message.id === ackLine.message.id), 3000, "the message at the JS client");
    const saved = Number(readFileSync(state, "utf8"));
    expect(saved).toBe(ackLine.message.changeSeq);

    // While the Python client is away: two messages, an edit and a reaction.
    const one = await postMessage(getDb(), actorOf(alice), roomId, { content: "while you were out", type: "text" });
    await postMessage(getDb(), actorOf(alice), roomId, { content: "and this", type: "text" });
    await editMessage(getDb(), actorOf(alice), roomId, one.message.id, { content: "while you were out (edited)" });
    await addReaction(getDb(), actorOf(alice), roomId, ackLine.message.id, "👍");

    // Sending the same clientId again is answered with the stored message.
    const second = await runClient(["--url", server.url, "--token", bob.key, "--room", roomId, "--state", state, "--send", "hello from python", "--client-id", "py-1"]);
    expect(second.code, second.stderr).toBe(0);
    const missed = second.lines.filter((line) => line.kind === "missed") as unknown as RoomEvent[];
    expect(missed.map((e) => [e.position, e.type])).toEqual([
      [saved + 1, "message:new"],
      [saved + 2, "message:new"],
      [saved + 3, "message:edited"],
      [saved + 4, "reaction:updated"],
    ]);
    expect(second.lines.find((line) => line.kind === "joined")).toMatchObject({ missed: 4, position: saved + 4 });
    expect(second.lines.find((line) => line.kind === "ack")).toMatchObject({ ok: true, created: false, message: { id: ackLine.message.id } });
    expect(Number(readFileSync(state, "utf8"))).toBe(saved + 4);

    // A wrong key is refused at the handshake.
    const refused = await runClient(["--url", server.url, "--token", "mh_wrong", "--room", roomId]);
    expect(refused.code).toBe(2);
    expect(JSON.stringify(refused.lines.at(-1))).toMatch(/Unauthorized|Send an API key/);
    watcher.close();
  }, 90_000);
});
