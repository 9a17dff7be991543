import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { POST as register } from "@/app/api/v1/devices/register/route";
import { GET as listDevices } from "@/app/api/v1/devices/route";
import { DELETE as deleteDevice, GET as getDevice, PATCH as patchDevice } from "@/app/api/v1/devices/[id]/route";
import { POST as heartbeat } from "@/app/api/v1/devices/[id]/heartbeat/route";
import { GET as listMessages, POST as postMessages } from "@/app/api/v1/messages/route";
import { DELETE as deleteMessage } from "@/app/api/v1/messages/[id]/route";
import { PUT as markRead } from "@/app/api/v1/messages/[id]/read/route";
import { GET as syncMessages } from "@/app/api/v1/sync/messages/route";
import { GET as me } from "@/app/api/v1/me/route";
import { getDb } from "@/lib/db/client";
import { devices } from "@/lib/db/schema/inbox";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { countStored, makeDevice, sms } from "@/tests/helpers/inbox";

async function lastSeen(id: string, agoMs: number) {
  await getDb()
    .update(devices)
    .set({ lastSeenAt: new Date(Date.now() - agoMs) })
    .where(eq(devices.id, id));
}

describe("devices", () => {
  it("registers a device and returns its key once, with the ingest and sync scopes only", async () => {
    const alice = await makeUser();
    const secret = "forwarder-signing-secret";
    const result = await call(register, { key: alice.key, body: { name: "Work phone", platform: "android", phoneNumber: "+15551234567", model: "Pixel 8", appVersion: "1.2.3", signingSecret: secret } });
    expect(result.status).toBe(201);
    expect(result.body.device).toMatchObject({ name: "Work phone", platform: "android", phoneNumber: "+15551234567", model: "Pixel 8", appVersion: "1.2.3", hasSigningSecret: true, status: "offline", messageCount: 0, lastMessage: null, revokedAt: null });
    expect(result.body.apiKey).toEqual({ id: expect.stringMatching(/^key_/), name: "Device: Work phone", scopes: ["messages:read", "messages:write"], prefix: result.body.key.slice(0, 11) });
    expect(result.text).not.toContain(secret);
    expect(result.body.device).not.toHaveProperty("signingSecret");

    const whoami = await call(me, { key: result.body.key });
    expect(whoami.body.auth).toMatchObject({ deviceId: result.body.device.id, scopes: ["messages:read", "messages:write"] });
    // The device key cannot register devices or change itself.
    expect((await call(register, { key: result.body.key, body: { name: "another" } })).status).toBe(403);
    expect((await call(patchDevice, { method: "PATCH", key: result.body.key, params: { id: result.body.device.id }, body: { name: "x" } })).status).toBe(403);
    // The secret never comes back, from any read.
    expect((await call(getDevice, { key: alice.key, params: { id: result.body.device.id } })).text).not.toContain(secret);
    expect((await call(listDevices, { key: alice.key })).text).not.toContain(secret);
  });

  it("does not let a key hand a device scopes it lacks, and validates the body", async () => {
    const limited = await makeUser({ scopes: ["devices:write"] });
    expect((await call(register, { key: limited.key, body: { name: "x" } })).status).toBe(403);
    const alice = await makeUser();
    const bad = await call(register, { key: alice.key, body: { name: " ", signingSecret: "short", platform: 5 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["body.name", "body.platform", "body.signingSecret"]);
  });

  it("lists devices with message count, last message and status, in pages", async () => {
    const alice = await makeUser();
    const a = await makeDevice(alice, { name: "A" });
    const b = await makeDevice(alice, { name: "B" });
    const c = await makeDevice(alice, { name: "C" });
    const posted = await call(postMessages, { key: a.key, body: { messages: [sms({ body: "older", receivedAt: "2026-01-01T00:00:00Z" }), sms({ body: "newest from A", receivedAt: "2026-01-02T00:00:00Z" })] } });
    expect((await call(markRead, { method: "PUT", key: alice.key, params: { id: posted.body.results[0].id } })).status).toBe(200);
    const gone = await call(postMessages, { key: a.key, body: sms({ body: "deleted later", receivedAt: "2026-01-03T00:00:00Z" }) });
    await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: gone.body.message.id } });
    await lastSeen(b.id, 10 * 60_000);
    await lastSeen(c.id, 3 * 3600_000);

    const page1 = await call(listDevices, { key: alice.key, query: { limit: 2 } });
    expect(page1.status).toBe(200);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await call(listDevices, { key: alice.key, query: { limit: 2, cursor: page1.body.nextCursor } });
    expect(page2.body.hasMore).toBe(false);
    const all = [...page1.body.data, ...page2.body.data];
    expect(all.map((d: any) => d.name)).toEqual(["C", "B", "A"]);
    const byName = Object.fromEntries(all.map((d: any) => [d.name, d]));
    // One of A's two live messages is read; the deleted one counts in neither.
    expect(byName.A).toMatchObject({ status: "online", messageCount: 2, unreadCount: 1, lastMessage: { sender: "+15550000001", preview: "newest from A", receivedAt: "2026-01-02T00:00:00.000Z", type: "sms" } });
    expect(byName.B).toMatchObject({ status: "stale", messageCount: 0, unreadCount: 0, lastMessage: null });
    expect(byName.C.status).toBe("offline");
    expect((await call(listDevices, { key: alice.key, query: { cursor: "bad" } })).status).toBe(422);
  });

  it("records a heartbeat: lastSeenAt, battery and app version", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice, { appVersion: "1.0" });
    const other = await makeDevice(alice, { name: "Other" });
    const beat = await call(heartbeat, { key: phone.key, params: { id: phone.id }, body: { battery: 87, appVersion: "1.1" } });
    expect(beat.status).toBe(200);
    expect(beat.body.device).toMatchObject({ battery: 87, appVersion: "1.1", status: "online" });
    expect(Date.now() - Date.parse(beat.body.device.lastSeenAt)).toBeLessThan(60_000);
    // A device speaks only for itself.
    expect((await call(heartbeat, { key: phone.key, params: { id: other.id }, body: {} })).status).toBe(404);
    expect((await call(heartbeat, { key: phone.key, params: { id: phone.id }, body: { battery: 150 } })).status).toBe(422);
    // The owner may record one for any of their devices.
    expect((await call(heartbeat, { key: alice.key, params: { id: other.id }, body: {} })).status).toBe(200);
  });

  it("renames, sets and clears the signing secret, and revokes: the key stops at once", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const renamed = await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { name: "Renamed", signingSecret: "a-brand-new-secret" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.device).toMatchObject({ name: "Renamed", hasSigningSecret: true });
    const cleared = await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { signingSecret: null, model: null } });
    expect(cleared.body.device.hasSigningSecret).toBe(false);
    expect((await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: {} })).status).toBe(422);

    expect((await call(postMessages, { key: phone.key, body: sms() })).status).toBe(201);
    const revoked = await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { revoked: true } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.device.revokedAt).not.toBeNull();
    expect((await call(postMessages, { key: phone.key, body: sms() })).status).toBe(401);
    expect((await call(syncMessages, { key: phone.key })).status).toBe(401);
    expect((await call(heartbeat, { key: alice.key, params: { id: phone.id }, body: {} })).status).toBe(404);
    expect(await countStored(alice.user.id)).toBe(1);
  });

  it("deletes a device: its key stops, its messages stay", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    await call(postMessages, { key: phone.key, body: sms({ body: "kept" }) });
    const deleted = await call(deleteDevice, { method: "DELETE", key: alice.key, params: { id: phone.id } });
    expect(deleted.status).toBe(204);
    expect((await call(getDevice, { key: alice.key, params: { id: phone.id } })).status).toBe(404);
    expect((await call(postMessages, { key: phone.key, body: sms() })).status).toBe(401);
    expect((await call(deleteDevice, { method: "DELETE", key: alice.key, params: { id: phone.id } })).status).toBe(404);
    const list = await call(listMessages, { key: alice.key, query: { device: phone.id } });
    expect(list.body.data.map((m: any) => m.body)).toEqual(["kept"]);
  });

  it("answers another user's device with 404 everywhere and changes nothing", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const phone = await makeDevice(alice, { name: "Alice's phone" });
    for (const attempt of [
      call(getDevice, { key: bob.key, params: { id: phone.id } }),
      call(patchDevice, { method: "PATCH", key: bob.key, params: { id: phone.id }, body: { revoked: true } }),
      call(deleteDevice, { method: "DELETE", key: bob.key, params: { id: phone.id } }),
      call(heartbeat, { key: bob.key, params: { id: phone.id }, body: { battery: 1 } }),
    ]) {
      const result = await attempt;
      expect(result.status).toBe(404);
      expect(result.text).not.toContain("Alice's phone");
    }
    expect((await call(listDevices, { key: bob.key })).body.data).toEqual([]);
    const [row] = await getDb()
      .select({ revoked: sql<boolean>`${devices.revokedAt} is not null`, battery: devices.battery })
      .from(devices)
      .where(eq(devices.id, phone.id));
    expect(row).toEqual({ revoked: false, battery: null });
    expect((await call(postMessages, { key: phone.key, body: sms() })).status).toBe(201);
  });
});
