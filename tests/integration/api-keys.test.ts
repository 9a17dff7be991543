import { describe, expect, it } from "vitest";
import { GET as listKeys, POST as createKey } from "@/app/api/v1/api-keys/route";
import { DELETE as revokeKey } from "@/app/api/v1/api-keys/[id]/route";
import { POST as rotateKey } from "@/app/api/v1/api-keys/[id]/rotate/route";
import { GET as me } from "@/app/api/v1/me/route";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

describe("API keys", () => {
  it("creates a key whose secret is shown once and works at once", async () => {
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "laptop", scopes: ["messages:read"] } });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^mh_[0-9a-z]{8}_[0-9A-Za-z_-]{43}$/);
    expect(made.body.apiKey).toMatchObject({ name: "laptop", scopes: ["messages:read"], prefix: made.body.key.slice(0, 11) });

    const listed = await call(listKeys, { key: alice.key });
    expect(listed.text).not.toContain(made.body.key);
    expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(made.body.apiKey.id);

    const whoami = await call(me, { key: made.body.key });
    expect(whoami.status).toBe(200);
    expect(whoami.body.user.id).toBe(alice.user.id);
    expect(whoami.body.auth).toMatchObject({ via: "apiKey", scopes: ["messages:read"] });
  });

  it("stops a revoked key at once", async () => {
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "temp", scopes: ["messages:read"] } });
    expect((await call(me, { key: made.body.key })).status).toBe(200);
    const revoked = await call(revokeKey, { method: "DELETE", key: alice.key, params: { id: made.body.apiKey.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).not.toBeNull();
    expect((await call(me, { key: made.body.key })).status).toBe(401);
  });

  it("rotates a key: the old secret stops, the new one works with the same scopes", async () => {
    const alice = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "ci", scopes: ["tasks:read", "tasks:write"] } });
    const rotated = await call(rotateKey, { method: "POST", key: alice.key, params: { id: made.body.apiKey.id } });
    expect(rotated.status).toBe(201);
    expect(rotated.body.apiKey.scopes).toEqual(["tasks:read", "tasks:write"]);
    expect(rotated.body.key).not.toBe(made.body.key);
    expect((await call(me, { key: made.body.key })).status).toBe(401);
    expect((await call(me, { key: rotated.body.key })).status).toBe(200);
  });

  it("refuses an expired key", async () => {
    const alice = await makeUser();
    const soon = new Date(Date.now() + 1500).toISOString();
    const made = await call(createKey, { key: alice.key, body: { name: "short", scopes: ["messages:read"], expiresAt: soon } });
    expect(made.status).toBe(201);
    expect((await call(me, { key: made.body.key })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await call(me, { key: made.body.key })).status).toBe(401);
  });

  it("answers another user's key id with 404 and changes nothing", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const made = await call(createKey, { key: alice.key, body: { name: "alice's", scopes: ["messages:read"] } });
    const attempt = await call(revokeKey, { method: "DELETE", key: bob.key, params: { id: made.body.apiKey.id } });
    expect(attempt.status).toBe(404);
    expect(attempt.text).not.toContain("alice's");
    expect((await call(rotateKey, { method: "POST", key: bob.key, params: { id: made.body.apiKey.id } })).status).toBe(404);
    expect((await call(me, { key: made.body.key })).status).toBe(200);
  });

  it("does not let a key mint a key with more scopes than it has", async () => {
    const alice = await makeUser({ scopes: ["messages:read"] });
    const attempt = await call(createKey, { key: alice.key, body: { name: "escalate", scopes: ["messages:read", "tasks:write"] } });
    expect(attempt.status).toBe(403);
  });

  it("validates the body", async () => {
    const alice = await makeUser();
    const attempt = await call(createKey, { key: alice.key, body: { name: "", scopes: ["root"], expiresAt: "2000-01-01T00:00:00Z" } });
    expect(attempt.status).toBe(422);
    expect(attempt.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.expiresAt", "body.name", "body.scopes.0"]);
  });

  it("refuses garbage and unknown keys with 401", async () => {
    expect((await call(me, { key: "mh_nothing" })).status).toBe(401);
    expect((await call(me, { key: `mh_abcdefgh_${"A".repeat(43)}` })).status).toBe(401);
    expect((await call(me, { headers: { authorization: "Basic Zm9vOmJhcg==" } })).status).toBe(401);
  });
});
