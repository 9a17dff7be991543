import type { Socket } from "socket.io-client";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { POST as createKey } from "@/app/api/v1/api-keys/route";
import { DELETE as revokeKey } from "@/app/api/v1/api-keys/[id]/route";
import { POST as rotateKey } from "@/app/api/v1/api-keys/[id]/rotate/route";
import { PATCH as adminUpdateUser } from "@/app/api/v1/admin/users/[id]/route";
import { POST as changePassword } from "@/app/api/v1/me/password/route";
import { GET as me } from "@/app/api/v1/me/route";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { connectClient, startRealtimeServer } from "@/tests/helpers/realtime";
import { browserHeaders, sessionCookie } from "@/tests/helpers/session";
import { io as connect } from "socket.io-client";

const redisUrl = inject("redisUrl");
const cleanups: Array<() => Promise<void>> = [];
afterEach(() => setRealtimeServer(undefined));
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function server(options: { redisUrl?: string } = {}) {
  const started = await startRealtimeServer(options);
  cleanups.push(started.close);
  return started;
}

/** Resolves with the reason when the server ends the socket, or rejects if it stays open. */
function disconnection(socket: Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the socket stayed connected")), timeoutMs);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function stillConnected(socket: Socket, ms = 300): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return socket.connected;
}

/** A socket that authenticates with the session cookie, as the web app's does. */
async function connectWithCookie(url: string, cookie: string): Promise<Socket> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

describe("credentials that stop working stop at once, over HTTP and on the socket", () => {
  it("a revoked key: 401 over HTTP, its open socket closes, a new handshake is refused; other sockets stay", async () => {
    const hub = await server();
    setRealtimeServer(hub.realtime.io);
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "phone", scopes: ["messages:read"] } });
    const doomed = await connectClient(hub.url, made.body.key);
    const survivor = await connectClient(hub.url, alice.key);
    const closed = disconnection(doomed);

    expect((await call(revokeKey, { method: "DELETE", key: alice.key, params: { id: made.body.apiKey.id } })).status).toBe(200);
    expect(await closed).toBe("io server disconnect");
    expect((await call(me, { key: made.body.key })).status).toBe(401);
    await expect(connectClient(hub.url, made.body.key)).rejects.toThrow(/Unauthorized/);
    expect(await stillConnected(survivor)).toBe(true);
    survivor.close();
  });

  it("a rotated-away key: the old secret is refused everywhere, the new one connects", async () => {
    const hub = await server();
    setRealtimeServer(hub.realtime.io);
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "ci", scopes: ["tasks:read"] } });
    const old = await connectClient(hub.url, made.body.key);
    const closed = disconnection(old);
    const rotated = await call(rotateKey, { method: "POST", key: alice.key, params: { id: made.body.apiKey.id } });
    expect(rotated.status).toBe(201);
    expect(await closed).toBe("io server disconnect");
    expect((await call(me, { key: made.body.key })).status).toBe(401);
    await expect(connectClient(hub.url, made.body.key)).rejects.toThrow(/Unauthorized/);
    const fresh = await connectClient(hub.url, rotated.body.key);
    expect(fresh.connected).toBe(true);
    fresh.close();
  });

  it("an expired key: refused over HTTP and on a new handshake the moment it expires", async () => {
    const hub = await server();
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "short", scopes: ["messages:read"], expiresAt: new Date(Date.now() + 1500).toISOString() } });
    const early = await connectClient(hub.url, made.body.key);
    early.close();
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await call(me, { key: made.body.key })).status).toBe(401);
    await expect(connectClient(hub.url, made.body.key)).rejects.toThrow(/Unauthorized/);
  });

  it("a deactivated user: every open socket closes (key and session), keys and sessions get 401, handshakes are refused", async () => {
    const hub = await server();
    setRealtimeServer(hub.realtime.io);
    const admin = await makeUser({ role: "admin" });
    const bob = await makeUser();
    const cookie = await sessionCookie(bob.user);
    const byKey = await connectClient(hub.url, bob.key);
    const bySession = await connectWithCookie(hub.url, cookie);
    const bystander = await connectClient(hub.url, admin.key);
    const closedKey = disconnection(byKey);
    const closedSession = disconnection(bySession);

    const result = await call(adminUpdateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { active: false } });
    expect(result.status).toBe(200);
    expect(result.body.user.deactivatedAt).not.toBeNull();
    expect(await closedKey).toBe("io server disconnect");
    expect(await closedSession).toBe("io server disconnect");
    expect((await call(me, { key: bob.key })).status).toBe(401);
    expect((await call(me, { headers: { cookie } })).status).toBe(401);
    await expect(connectClient(hub.url, bob.key)).rejects.toThrow(/Unauthorized/);
    await expect(connectWithCookie(hub.url, cookie)).rejects.toThrow(/Unauthorized/);
    expect(await stillConnected(bystander)).toBe(true);
    bystander.close();
  });

  it("a password change closes the user's session sockets but not their key sockets", async () => {
    const hub = await server();
    setRealtimeServer(hub.realtime.io);
    const alice = await makeUser();
    const headers = await browserHeaders(alice.user);
    const bySession = await connectWithCookie(hub.url, headers.cookie!);
    const byKey = await connectClient(hub.url, alice.key);
    const closed = disconnection(bySession);
    const changed = await call(changePassword, { headers, body: { currentPassword: alice.password, newPassword: "another long password" } });
    expect(changed.status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    expect(await stillConnected(byKey)).toBe(true);
    byKey.close();
  });

  it.skipIf(!redisUrl)("across instances: deactivating on instance A closes the user's socket on instance B", async () => {
    const a = await server({ redisUrl: redisUrl! });
    const b = await server({ redisUrl: redisUrl! });
    const admin = await makeUser({ role: "admin" });
    const bob = await makeUser();
    const onB = await connectClient(b.url, bob.key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    setRealtimeServer(a.realtime.io);
    const closed = disconnection(onB);
    expect((await call(adminUpdateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { active: false } })).status).toBe(200);
    expect(await closed).toBe("io server disconnect");
  });

  it.skipIf(!redisUrl)("across instances: revoking a key on instance A closes its socket on instance B", async () => {
    const a = await server({ redisUrl: redisUrl! });
    const b = await server({ redisUrl: redisUrl! });
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "remote", scopes: ["messages:read"] } });
    const onB = await connectClient(b.url, made.body.key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    setRealtimeServer(a.realtime.io);
    const closed = disconnection(onB);
    expect((await call(revokeKey, { method: "DELETE", key: alice.key, params: { id: made.body.apiKey.id } })).status).toBe(200);
    expect(await closed).toBe("io server disconnect");
  });
});
