import { describe, expect, it } from "vitest";
import { GET as audit } from "@/app/api/v1/admin/audit/route";
import { POST as createKey } from "@/app/api/v1/api-keys/route";
import { DELETE as revokeKey } from "@/app/api/v1/api-keys/[id]/route";
import { POST as rotateKey } from "@/app/api/v1/api-keys/[id]/rotate/route";
import { POST as createInvite } from "@/app/api/v1/admin/invites/route";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

type Event = { id: string; action: string; actor: { id: string; email: string } | null; target: { type: string; id: string } | null; ip: string; userAgent: string; requestId: string; metadata: Record<string, unknown>; createdAt: string };

describe("audit log", () => {
  it("records key creation, rotation and revocation with who, IP, user agent and request id, and never the secret", async () => {
    const admin = await makeUser({ role: "admin" });
    const alice = await makeUser();
    const headers = { "user-agent": "audit-test/1.0" };
    const made = await call(createKey, { key: alice.key, body: { name: "audited", scopes: ["messages:read"] }, headers: { ...headers, "x-request-id": "audit-create-1" }, ip: "203.0.113.77" });
    const rotated = await call(rotateKey, { method: "POST", key: alice.key, params: { id: made.body.apiKey.id }, headers, ip: "203.0.113.77" });
    await call(revokeKey, { method: "DELETE", key: alice.key, params: { id: rotated.body.apiKey.id }, headers, ip: "203.0.113.77" });

    const result = await call(audit, { key: admin.key, query: { actor: alice.user.id } });
    expect(result.status).toBe(200);
    const events = result.body.data as Event[];
    expect(events.map((e) => e.action).slice(0, 3)).toEqual(["api_key.revoked", "api_key.rotated", "api_key.created"]);
    const created = events.find((e) => e.action === "api_key.created" && e.target?.id === made.body.apiKey.id)!;
    expect(created).toMatchObject({
      actor: { id: alice.user.id, email: alice.user.email },
      target: { type: "api_key", id: made.body.apiKey.id },
      ip: "203.0.113.77",
      userAgent: "audit-test/1.0",
      requestId: "audit-create-1",
      metadata: { name: "audited", scopes: ["messages:read"], prefix: made.body.apiKey.prefix },
    });
    expect(events.find((e) => e.action === "api_key.rotated")!.metadata).toMatchObject({ replacedId: made.body.apiKey.id });
    expect(result.text).not.toContain(made.body.key);
    expect(result.text).not.toContain(rotated.body.key);
  });

  it("filters by action, actor and time, and pages newest first without repeats", async () => {
    const admin = await makeUser({ role: "admin" });
    const start = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 5; i++) await call(createInvite, { key: admin.key, body: { email: `audit-page-${Date.now().toString(36)}-${i}@example.test` } });

    const first = await call(audit, { key: admin.key, query: { action: "invite.created", actor: admin.user.id, since: start, limit: 2 } });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    const seen: Event[] = [...first.body.data];
    for (let cursor = first.body.nextCursor; cursor; ) {
      const page = await call(audit, { key: admin.key, query: { action: "invite.created", actor: admin.user.id, since: start, limit: 2, cursor } });
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);
    expect(seen.every((e) => e.action === "invite.created" && e.actor?.id === admin.user.id)).toBe(true);
    const ids = seen.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const before = await call(audit, { key: admin.key, query: { actor: admin.user.id, until: start } });
    expect(before.body.data).toHaveLength(0);
    expect((await call(audit, { key: admin.key, query: { action: "made.up" } })).status).toBe(422);
    expect((await call(audit, { key: admin.key, query: { since: "yesterday" } })).status).toBe(422);
  });
});
