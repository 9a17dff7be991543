import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET as listWebhooks, POST as createWebhook } from "@/app/api/v1/webhooks/route";
import { DELETE as deleteWebhook, GET as getWebhook, PATCH as patchWebhook } from "@/app/api/v1/webhooks/[id]/route";
import { GET as listDeliveries } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { POST as redeliver } from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import { getConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { webhooks } from "@/lib/db/schema/webhooks";
import { MAX_WEBHOOKS_PER_USER } from "@/lib/webhooks/webhooks";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

/** The /api/v1/webhooks routes: the contract, validation, the SSRF guard at registration, and tenancy. */
const PUBLIC_TARGET = "https://93.184.215.14/hooks/message-hub";

let saved: Config;
beforeEach(() => {
  saved = getConfig();
});
afterEach(() => {
  setConfig(saved);
});

function configure(changes: Partial<Config>): void {
  setConfig({ ...getConfig(), ...changes });
}

describe("webhooks API", () => {
  it("registers an endpoint and shows its secret once", async () => {
    const alice = await makeUser();
    const made = await call(createWebhook, { key: alice.key, body: { url: PUBLIC_TARGET, events: ["message.received", "task.created"], description: "CI bot" } });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(made.body.webhook).toMatchObject({ url: PUBLIC_TARGET, events: ["message.received", "task.created"], description: "CI bot", scope: "user", active: true, failureCount: 0 });
    expect(made.body.webhook.id).toMatch(/^whk_/);
    expect(JSON.stringify(made.body.webhook)).not.toContain(made.body.secret);

    const listed = await call(listWebhooks, { key: alice.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([made.body.webhook.id]);
    expect(listed.body).toMatchObject({ hasMore: false, nextCursor: null });
    const one = await call(getWebhook, { key: alice.key, params: { id: made.body.webhook.id } });
    for (const text of [listed.text, one.text]) expect(text).not.toContain(made.body.secret.slice(6));

    // At rest the secret is encrypted, not stored as is.
    const [row] = await getDb().select().from(webhooks).where(eq(webhooks.id, made.body.webhook.id));
    expect(row!.secretCiphertext).not.toContain(made.body.secret.slice(6));
    expect(row!.secretCiphertext).toMatch(/^v1\./);
  });

  it("answers invalid bodies with 422 and one error per field, writing nothing", async () => {
    const alice = await makeUser();
    const bad = await call(createWebhook, { key: alice.key, body: { url: "ftp://example.com/x", events: [], description: "x".repeat(501) } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.description", "body.events", "body.url"]);

    const unknownEvent = await call(createWebhook, { key: alice.key, body: { url: PUBLIC_TARGET, events: ["message.received", "everything.exploded"] } });
    expect(unknownEvent.status).toBe(422);
    expect(unknownEvent.body.errors[0].path).toBe("body.events.1");

    expect((await call(createWebhook, { key: alice.key, body: { events: ["task.created"] } })).status).toBe(422);
    expect((await call(createWebhook, { key: alice.key, rawBody: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await call(listWebhooks, { key: alice.key, query: { cursor: "garbage" } })).status).toBe(422);
    expect((await call(listWebhooks, { key: alice.key })).body.data).toEqual([]);
  });

  it.each([
    ["loopback", "http://127.0.0.1:8080/hook"],
    ["private 10/8", "http://10.0.0.5/hook"],
    ["private 192.168/16", "https://192.168.1.20/hook"],
    ["cloud metadata (link-local)", "http://169.254.169.254/latest/meta-data/"],
    ["IPv6 loopback", "http://[::1]:3000/hook"],
    ["IPv6 unique local", "http://[fd12:3456::1]/hook"],
    ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]/hook"],
    ["loopback in hex", "http://0x7f.0.0.1/hook"],
    ["a name resolving to loopback", "http://localhost:3000/hook"],
    ["unspecified", "http://0.0.0.0/hook"],
  ])("refuses an SSRF target at registration: %s", async (_name, url) => {
    const alice = await makeUser();
    const refused = await call(createWebhook, { key: alice.key, body: { url, events: ["task.created"] } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: "body.url", code: "target_refused" })]);
    expect(refused.body.detail).toMatch(/loopback, private or link-local/);
    expect((await call(listWebhooks, { key: alice.key })).body.data).toEqual([]);
  });

  it("refuses the hub's own host, URLs with credentials, and private targets on PATCH", async () => {
    configure({ PUBLIC_URL: "https://93.184.215.14" });
    const alice = await makeUser();
    const self = await call(createWebhook, { key: alice.key, body: { url: "https://93.184.215.14:8443/api/v1/setup", events: ["task.created"] } });
    expect(self.status).toBe(422);
    expect(self.body.detail).toMatch(/hub/);
    const withCredentials = await call(createWebhook, { key: alice.key, body: { url: "https://user:pw@198.199.1.1/hook", events: ["task.created"] } });
    expect(withCredentials.status).toBe(422);

    const made = await call(createWebhook, { key: alice.key, body: { url: "https://198.199.1.1/hook", events: ["task.created"] } });
    expect(made.status).toBe(201);
    const moved = await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id: made.body.webhook.id }, body: { url: "http://10.1.2.3/hook" } });
    expect(moved.status).toBe(422);
    expect((await call(getWebhook, { key: alice.key, params: { id: made.body.webhook.id } })).body.webhook.url).toBe("https://198.199.1.1/hook");
  });

  it("accepts private targets when WEBHOOK_ALLOW_PRIVATE_TARGETS is on", async () => {
    configure({ WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
    const alice = await makeUser();
    const made = await call(createWebhook, { key: alice.key, body: { url: "http://127.0.0.1:9/hook", events: ["task.created"] } });
    expect(made.status).toBe(201);
  });

  it("changes, disables, re-enables and deletes an endpoint", async () => {
    const alice = await makeUser();
    const made = await call(createWebhook, { key: alice.key, body: { url: PUBLIC_TARGET, events: ["task.created"], description: "old" } });
    const id = made.body.webhook.id;

    const changed = await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id }, body: { events: ["*", "task.updated"], description: null } });
    expect(changed.status).toBe(200);
    expect(changed.body.webhook).toMatchObject({ events: ["*"], description: null, active: true });

    const off = await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id }, body: { active: false } });
    expect(off.body.webhook).toMatchObject({ active: false, disabledReason: "Disabled by its owner" });
    expect(off.body.webhook.disabledAt).not.toBeNull();
    await getDb().update(webhooks).set({ failureCount: 7, failingSince: new Date() }).where(eq(webhooks.id, id));
    const on = await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id }, body: { active: true } });
    expect(on.body.webhook).toMatchObject({ active: true, disabledAt: null, disabledReason: null, failureCount: 0, failingSince: null });

    expect((await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id }, body: {} })).status).toBe(422);

    const removed = await call(deleteWebhook, { method: "DELETE", key: alice.key, params: { id } });
    expect(removed.status).toBe(204);
    expect((await call(getWebhook, { key: alice.key, params: { id } })).status).toBe(404);
  });

  it("answers another user's webhook with 404 on every route and changes nothing", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const made = await call(createWebhook, { key: alice.key, body: { url: PUBLIC_TARGET, events: ["task.created"], description: "alice's hook" } });
    const id = made.body.webhook.id;
    const attempts = [
      await call(getWebhook, { key: bob.key, params: { id } }),
      await call(patchWebhook, { method: "PATCH", key: bob.key, params: { id }, body: { url: "https://198.199.1.1/stolen" } }),
      await call(deleteWebhook, { method: "DELETE", key: bob.key, params: { id } }),
      await call(listDeliveries, { key: bob.key, params: { id } }),
      await call(redeliver, { method: "POST", key: bob.key, params: { id, deliveryId: "dlv_anything" } }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(404);
      expect(attempt.text).not.toContain("alice's hook");
    }
    expect((await call(listWebhooks, { key: bob.key })).body.data).toEqual([]);
    expect((await call(getWebhook, { key: alice.key, params: { id } })).body.webhook).toMatchObject({ url: PUBLIC_TARGET, active: true });
  });

  it("needs the webhooks scopes on API keys, and admin for instance-wide endpoints", async () => {
    const reader = await makeUser({ scopes: ["webhooks:read"] });
    const phone = await makeUser({ scopes: ["messages:write"] });
    expect((await call(createWebhook, { key: reader.key, body: { url: PUBLIC_TARGET, events: ["task.created"] } })).status).toBe(403);
    expect((await call(listWebhooks, { key: reader.key })).status).toBe(200);
    expect((await call(listWebhooks, { key: phone.key })).status).toBe(403);
    expect((await call(createWebhook, { key: phone.key, body: { url: PUBLIC_TARGET, events: ["message.received"] } })).status).toBe(403);

    const member = await makeUser();
    expect((await call(createWebhook, { key: member.key, body: { url: PUBLIC_TARGET, events: ["*"], scope: "instance" } })).status).toBe(403);
    const admin = await makeUser({ role: "admin" });
    const everywhere = await call(createWebhook, { key: admin.key, body: { url: PUBLIC_TARGET, events: ["*"], scope: "instance" } });
    expect(everywhere.status).toBe(201);
    expect(everywhere.body.webhook.scope).toBe("instance");
    // An instance-wide endpoint would receive other test files' events: remove it.
    expect((await call(deleteWebhook, { method: "DELETE", key: admin.key, params: { id: everywhere.body.webhook.id } })).status).toBe(204);
  });

  it("pages the list with a cursor and caps endpoints per user", async () => {
    const alice = await makeUser();
    for (let i = 0; i < 3; i++) expect((await call(createWebhook, { key: alice.key, body: { url: `${PUBLIC_TARGET}/${i}`, events: ["task.created"] } })).status).toBe(201);
    const first = await call(listWebhooks, { key: alice.key, query: { limit: 2 } });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    const second = await call(listWebhooks, { key: alice.key, query: { limit: 2, cursor: first.body.nextCursor } });
    expect(second.body).toMatchObject({ hasMore: false, nextCursor: null });
    const ids = [...first.body.data, ...second.body.data].map((w: { id: string }) => w.id);
    // Newest first, each endpoint exactly once across the pages.
    expect(ids).toEqual([...ids].sort().reverse());
    expect([...first.body.data, ...second.body.data].map((w: { url: string }) => w.url).sort()).toEqual([0, 1, 2].map((i) => `${PUBLIC_TARGET}/${i}`));

    for (let i = 3; i < MAX_WEBHOOKS_PER_USER; i++) await call(createWebhook, { key: alice.key, body: { url: `${PUBLIC_TARGET}/${i}`, events: ["task.created"] } });
    const over = await call(createWebhook, { key: alice.key, body: { url: `${PUBLIC_TARGET}/over`, events: ["task.created"] } });
    expect(over.status).toBe(409);
  });
});
