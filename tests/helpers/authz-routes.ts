import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Scope } from "@/lib/auth/actor";
import { createApiKey, verifyApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { invites, users } from "@/lib/db/schema/users";
import { createInvite } from "@/lib/users/invites";
import { createTask } from "@/lib/tasks/create";
import { createRoom } from "@/lib/rooms/create-room";
import { getRoom } from "@/lib/rooms/list-rooms";
import { createRoomSchema } from "@/lib/rooms/schemas";
import { registerDevice } from "@/lib/devices/register";
import { getDevice } from "@/lib/devices/list";
import { ingestMessages } from "@/lib/messages/ingest";
import { getMessage } from "@/lib/messages/list";
import { messageInputSchema } from "@/lib/messages/schemas";
import { createWebhook, getWebhook } from "@/lib/webhooks/webhooks";
import { phoneNumbers } from "@/lib/db/schema/sms";
import { newId } from "@/lib/db/ids";
import { getTask } from "@/lib/tasks/get";
import { createTag, listTags } from "@/lib/tasks/tags";
import { createView, getView } from "@/lib/tasks/views";
import type { CreateTaskInput } from "@/lib/tasks/schemas";
import type { TestUser } from "@/tests/helpers/factories";
import { rememberSecret } from "@/tests/helpers/logs";

/**
 * What every API route requires, for tests/integration/authz.test.ts.
 *
 * The test finds every app/api/v1/**\/route.ts and every method it exports,
 * and fails when one has no entry here. When you add a route, add a line:
 *
 *   "METHOD /api/v1/path/{param}": { auth, scopes?, resource?, body? }
 *
 * - auth "user": a person or their API key; `scopes` are the key scopes the
 *   route needs ([] when any key may call it). "device": only a device's key
 *   (with `scopes`). "session": only a signed-in browser session, never a
 *   key. "admin": an admin, by session or by a key with the admin scope.
 *   "public": anyone; say why in `why`.
 * - resource: for a route with an {id}, the RESOURCE_FACTORIES entry that
 *   makes user A's row; the test proves user B gets 404 (403 on admin
 *   routes) and none of A's data, and that A's row did not change.
 * - body, query: a valid body and query for B's attempt, so it reaches the
 *   ownership check instead of stopping at validation.
 */
export type RouteExpectation =
  | { auth: "public"; why: string }
  | { auth: "user" | "device"; scopes: Scope[]; resource?: ResourceName; body?: unknown; query?: Record<string, string> }
  | { auth: "session" | "admin"; resource?: ResourceName; body?: unknown; query?: Record<string, string> };

export const ROUTE_EXPECTATIONS: Record<string, RouteExpectation> = {
  "POST /api/v1/setup": { auth: "public", why: "first run: creates the first admin while no user exists, 409 afterwards" },
  "GET /api/v1/invites/{token}": { auth: "public", why: "the invite page, before the invited person has an account" },
  "POST /api/v1/invites/{token}/accept": { auth: "public", why: "accepting an invite creates the account" },

  "GET /api/v1/me": { auth: "user", scopes: [] },
  "PATCH /api/v1/me": { auth: "user", scopes: [] },
  "POST /api/v1/me/password": { auth: "session" },
  "DELETE /api/v1/me/sessions": { auth: "session" },
  "GET /api/v1/me/totp": { auth: "session" },
  "POST /api/v1/me/totp": { auth: "session" },
  "POST /api/v1/me/totp/confirm": { auth: "session" },
  "POST /api/v1/me/totp/disable": { auth: "session" },
  "POST /api/v1/me/totp/backup-codes": { auth: "session" },

  "GET /api/v1/api-keys": { auth: "user", scopes: [] },
  "POST /api/v1/api-keys": { auth: "user", scopes: [] },
  "DELETE /api/v1/api-keys/{id}": { auth: "user", scopes: [], resource: "apiKey" },
  "POST /api/v1/api-keys/{id}/rotate": { auth: "user", scopes: [], resource: "apiKey" },

  "GET /api/v1/admin/users": { auth: "admin" },
  "GET /api/v1/admin/users/{id}": { auth: "admin", resource: "user" },
  "PATCH /api/v1/admin/users/{id}": { auth: "admin", resource: "user", body: { active: false } },
  "GET /api/v1/admin/invites": { auth: "admin" },
  "POST /api/v1/admin/invites": { auth: "admin" },
  "DELETE /api/v1/admin/invites/{id}": { auth: "admin", resource: "invite" },
  "GET /api/v1/admin/audit": { auth: "admin" },

  "GET /api/v1/tasks": { auth: "user", scopes: ["tasks:read"] },
  "POST /api/v1/tasks": { auth: "user", scopes: ["tasks:write"] },
  "GET /api/v1/tasks/{id}": { auth: "user", scopes: ["tasks:read"], resource: "task" },
  "PATCH /api/v1/tasks/{id}": { auth: "user", scopes: ["tasks:write"], resource: "task", body: { title: "taken over", version: 1 } },
  "DELETE /api/v1/tasks/{id}": { auth: "user", scopes: ["tasks:write"], resource: "task" },
  "POST /api/v1/tasks/{id}/complete": { auth: "user", scopes: ["tasks:write"], resource: "task" },
  "POST /api/v1/tasks/{id}/skip": { auth: "user", scopes: ["tasks:write"], resource: "task" },
  "GET /api/v1/tasks/{id}/history": { auth: "user", scopes: ["tasks:read"], resource: "task" },
  "GET /api/v1/tasks/recurrence/preview": { auth: "user", scopes: ["tasks:read"] },
  "GET /api/v1/tasks/tags": { auth: "user", scopes: ["tasks:read"] },
  "POST /api/v1/tasks/tags": { auth: "user", scopes: ["tasks:write"] },
  "PATCH /api/v1/tasks/tags/{id}": { auth: "user", scopes: ["tasks:write"], resource: "taskTag", body: { name: "taken-over" } },
  "DELETE /api/v1/tasks/tags/{id}": { auth: "user", scopes: ["tasks:write"], resource: "taskTag" },
  "GET /api/v1/tasks/views": { auth: "user", scopes: ["tasks:read"] },
  "POST /api/v1/tasks/views": { auth: "user", scopes: ["tasks:write"] },
  "GET /api/v1/tasks/views/{id}": { auth: "user", scopes: ["tasks:read"], resource: "taskView" },
  "PATCH /api/v1/tasks/views/{id}": { auth: "user", scopes: ["tasks:write"], resource: "taskView", body: { name: "taken over" } },
  "DELETE /api/v1/tasks/views/{id}": { auth: "user", scopes: ["tasks:write"], resource: "taskView" },
  "GET /api/v1/sync/tasks": { auth: "user", scopes: ["tasks:read"] },

  "GET /api/v1/push/vapid-public-key": { auth: "user", scopes: [] },
  "GET /api/v1/push/subscriptions": { auth: "user", scopes: [] },
  "POST /api/v1/push/subscriptions": { auth: "user", scopes: [] },
  "DELETE /api/v1/push/subscriptions": { auth: "user", scopes: [] },
  "POST /api/v1/push/test": { auth: "user", scopes: [] },

  "GET /api/v1/notifications": { auth: "user", scopes: [] },
  "POST /api/v1/notifications/read": { auth: "user", scopes: [] },
  "GET /api/v1/notifications/preferences": { auth: "user", scopes: [] },
  "PUT /api/v1/notifications/preferences": { auth: "user", scopes: [] },
  "GET /api/v1/notifications/unsubscribe": { auth: "public", why: "the link in a notification email, opened by a mail client without a session; a signed token names the user and type" },
  "POST /api/v1/notifications/unsubscribe": { auth: "public", why: "the unsubscribe page's button and mail clients' one-click unsubscribe (RFC 8058), without a session; a signed token names the user and type" },

  "GET /api/v1/webhooks": { auth: "user", scopes: ["webhooks:read"] },
  "POST /api/v1/webhooks": { auth: "user", scopes: ["webhooks:write"] },
  "GET /api/v1/webhooks/{id}": { auth: "user", scopes: ["webhooks:read"], resource: "webhook" },
  "PATCH /api/v1/webhooks/{id}": { auth: "user", scopes: ["webhooks:write"], resource: "webhook", body: { description: "taken over" } },
  "DELETE /api/v1/webhooks/{id}": { auth: "user", scopes: ["webhooks:write"], resource: "webhook" },
  "GET /api/v1/webhooks/{id}/deliveries": { auth: "user", scopes: ["webhooks:read"], resource: "webhook" },
  "GET /api/v1/webhooks/{id}/deliveries/{deliveryId}": { auth: "user", scopes: ["webhooks:read"], resource: "webhook" },
  "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": { auth: "user", scopes: ["webhooks:write"], resource: "webhook" },

  "GET /api/v1/openapi.json": { auth: "public", why: "the API's own description, for clients and the reference page" },

  "GET /api/v1/devices": { auth: "user", scopes: ["messages:read"] },
  "POST /api/v1/devices/register": { auth: "user", scopes: ["devices:write"] },
  "GET /api/v1/devices/{id}": { auth: "user", scopes: ["messages:read"], resource: "device" },
  "PATCH /api/v1/devices/{id}": { auth: "user", scopes: ["devices:write"], resource: "device", body: { name: "taken over" } },
  "DELETE /api/v1/devices/{id}": { auth: "user", scopes: ["devices:write"], resource: "device" },
  "POST /api/v1/devices/{id}/heartbeat": { auth: "user", scopes: ["messages:write"], resource: "device", body: { battery: 50 } },

  "GET /api/v1/messages": { auth: "user", scopes: ["messages:read"] },
  "POST /api/v1/messages": { auth: "user", scopes: ["messages:write"] },
  "GET /api/v1/messages/{id}": { auth: "user", scopes: ["messages:read"], resource: "message" },
  "PATCH /api/v1/messages/{id}": { auth: "user", scopes: ["messages:write"], resource: "message", body: { tags: ["taken-over"] } },
  "DELETE /api/v1/messages/{id}": { auth: "user", scopes: ["messages:write"], resource: "message" },
  "PUT /api/v1/messages/{id}/read": { auth: "user", scopes: ["messages:write"], resource: "message" },
  "DELETE /api/v1/messages/{id}/read": { auth: "user", scopes: ["messages:write"], resource: "message" },
  "POST /api/v1/messages/read": { auth: "user", scopes: ["messages:write"] },
  "POST /api/v1/messages/unread": { auth: "user", scopes: ["messages:write"] },
  "GET /api/v1/messages/threads": { auth: "user", scopes: ["messages:read"] },
  "GET /api/v1/messages/export": { auth: "user", scopes: ["messages:read"] },
  "POST /api/v1/ingest/smsgate": { auth: "device", scopes: ["messages:write"] },
  "POST /api/v1/ingest/smsforwarder": { auth: "device", scopes: ["messages:write"] },
  "POST /api/v1/ingest/sms-to-url": { auth: "device", scopes: ["messages:write"] },
  "POST /api/v1/ingest/generic": { auth: "device", scopes: ["messages:write"] },
  "GET /api/v1/sync/messages": { auth: "user", scopes: ["messages:read"] },
  "GET /api/v1/sync/status": { auth: "user", scopes: ["messages:read"] },
  "PUT /api/v1/sync/status": { auth: "user", scopes: ["messages:read"] },
  "GET /api/v1/settings/retention": { auth: "user", scopes: ["messages:read"] },
  "PUT /api/v1/settings/retention": { auth: "user", scopes: ["messages:write"] },

  "GET /api/v1/rooms": { auth: "user", scopes: ["rooms:read"] },
  "POST /api/v1/rooms": { auth: "user", scopes: ["rooms:write"] },
  "GET /api/v1/rooms/search": { auth: "user", scopes: ["rooms:read"] },
  "GET /api/v1/rooms/{id}": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "PATCH /api/v1/rooms/{id}": { auth: "user", scopes: ["rooms:write"], resource: "room", body: { status: "identified" } },
  "POST /api/v1/rooms/{id}/members": { auth: "user", scopes: ["rooms:write"], resource: "room", body: { email: "intruder@example.test" } },
  "DELETE /api/v1/rooms/{id}/members": { auth: "user", scopes: ["rooms:write"], resource: "room", query: { userId: "usr_someone" } },
  "GET /api/v1/rooms/{id}/messages": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "POST /api/v1/rooms/{id}/messages": { auth: "user", scopes: ["rooms:write"], resource: "room", body: { content: "intruding", clientId: "authz-1" } },
  "GET /api/v1/rooms/{id}/messages/search": { auth: "user", scopes: ["rooms:read"], resource: "room", query: { q: "incident" } },
  "PATCH /api/v1/rooms/{id}/messages/{messageId}": { auth: "user", scopes: ["rooms:write"], resource: "room", body: { content: "edited by someone else" } },
  "DELETE /api/v1/rooms/{id}/messages/{messageId}": { auth: "user", scopes: ["rooms:write"], resource: "room" },
  "GET /api/v1/rooms/{id}/messages/{messageId}/history": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "PUT /api/v1/rooms/{id}/messages/{messageId}/pin": { auth: "user", scopes: ["rooms:write"], resource: "room" },
  "DELETE /api/v1/rooms/{id}/messages/{messageId}/pin": { auth: "user", scopes: ["rooms:write"], resource: "room" },
  "POST /api/v1/rooms/{id}/messages/{messageId}/reactions": { auth: "user", scopes: ["rooms:write"], resource: "room", body: { emoji: "👍" } },
  "DELETE /api/v1/rooms/{id}/messages/{messageId}/reactions/{emoji}": { auth: "user", scopes: ["rooms:write"], resource: "room" },
  "GET /api/v1/rooms/{id}/online": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "GET /api/v1/rooms/{id}/typing": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "GET /api/v1/rooms/{id}/timeline": { auth: "user", scopes: ["rooms:read"], resource: "room" },
  "PUT /api/v1/rooms/{id}/read": { auth: "user", scopes: ["rooms:read"], resource: "room", body: { seq: 0 } },

  "GET /api/v1/phone-numbers": { auth: "user", scopes: ["messages:read"] },
  "POST /api/v1/phone-numbers": { auth: "user", scopes: ["devices:write"] },
  "DELETE /api/v1/phone-numbers/{id}": { auth: "user", scopes: ["devices:write"], resource: "phoneNumber" },
  "POST /api/v1/phone-numbers/{id}/verify": { auth: "user", scopes: ["devices:write"], resource: "phoneNumber", body: { code: "123456" } },
  "POST /api/v1/phone-numbers/{id}/resend": { auth: "user", scopes: ["devices:write"], resource: "phoneNumber" },
  "POST /api/v1/webhooks/twilio/sms": { auth: "public", why: "Twilio's inbound SMS webhook; it proves itself with X-Twilio-Signature, not a key" },
  "POST /api/v1/sms/send": { auth: "user", scopes: ["messages:write"] },
  "GET /api/v1/analytics/sms": { auth: "user", scopes: ["messages:read"] },
  "GET /api/v1/analytics/messages": { auth: "admin" },
  "GET /api/v1/analytics/devices": { auth: "admin" },
  "GET /api/v1/analytics/rooms": { auth: "admin" },
  "GET /api/v1/analytics/tasks": { auth: "admin" },
  "GET /api/v1/analytics/users": { auth: "admin" },
  "GET /api/v1/analytics/system": { auth: "admin" },
  "GET /api/v1/analytics/insights": { auth: "user", scopes: ["messages:read", "tasks:read"] },
  "GET /api/v1/admin/sms-outbox": { auth: "admin" },

  // Job ids are pg-boss's; a member is refused before any lookup, so any admin-owned id serves.
  "GET /api/v1/admin/jobs": { auth: "admin" },
  "GET /api/v1/admin/mailbox": { auth: "admin" },
  "GET /api/v1/admin/jobs/{queue}": { auth: "admin" },
  "POST /api/v1/admin/jobs/{queue}": { auth: "admin" },
  "GET /api/v1/admin/jobs/{queue}/{id}": { auth: "admin", resource: "user" },
  "POST /api/v1/admin/jobs/{queue}/{id}/retry": { auth: "admin", resource: "user" },
  "POST /api/v1/admin/jobs/{queue}/{id}/cancel": { auth: "admin", resource: "user" },
};

export type OwnedResource = {
  id: string;
  /** Strings that belong to A and must not appear in B's response. */
  data: string[];
  /** Asserts A's resource is as it was before B's attempt. */
  unchanged: () => Promise<void>;
};

/** Makes user A's resource of each kind. `owner` is a member for owned resources and an admin for admin ones. */
export const RESOURCE_FACTORIES = {
  apiKey: async (owner: TestUser): Promise<OwnedResource> => {
    const name = `alpha-key-${randomBytes(4).toString("hex")}`;
    const { apiKey, key } = await createApiKey(getDb(), owner.user.id, { name, scopes: ["messages:read"] });
    rememberSecret("api-key", key);
    return {
      id: apiKey.id,
      data: [name, apiKey.prefix, owner.user.email],
      unchanged: async () => expect(await verifyApiKey(getDb(), key)).not.toBeNull(),
    };
  },
  user: async (owner: TestUser): Promise<OwnedResource> => ({
    id: owner.user.id,
    data: [owner.user.email],
    unchanged: async () => {
      const [row] = await getDb().select().from(users).where(eq(users.id, owner.user.id));
      expect(row).toMatchObject({ role: owner.user.role, deactivatedAt: null, sessionVersion: owner.user.sessionVersion });
    },
  }),
  invite: async (owner: TestUser): Promise<OwnedResource> => {
    const email = `invitee-${randomBytes(4).toString("hex")}@example.test`;
    const { invite, token } = await createInvite(getDb(), owner.user.id, { email, role: "member" }, { ttlHours: 1, baseUrl: "http://hub.test" });
    rememberSecret("invite-token", token);
    return {
      id: invite.id,
      data: [email],
      unchanged: async () => {
        const [row] = await getDb().select().from(invites).where(eq(invites.id, invite.id));
        expect(row!.revokedAt).toBeNull();
      },
    };
  },
  task: async (owner: TestUser): Promise<OwnedResource> => {
    const title = `alpha-task-${randomBytes(4).toString("hex")}`;
    const task = await createTask(getDb(), owner.user.id, { title, rrule: "FREQ=WEEKLY", dueAt: new Date(Date.now() + 86_400_000).toISOString() } as CreateTaskInput);
    return {
      id: task.id,
      data: [title],
      unchanged: async () => {
        const now = await getTask(getDb(), owner.user.id, task.id);
        expect(now).toMatchObject({ title, version: task.version, status: task.status });
      },
    };
  },
  taskTag: async (owner: TestUser): Promise<OwnedResource> => {
    const name = `alpha-tag-${randomBytes(4).toString("hex")}`;
    const tag = await createTag(getDb(), owner.user.id, { name });
    return {
      id: tag.id,
      data: [name],
      unchanged: async () => expect((await listTags(getDb(), owner.user.id)).map((t) => t.name)).toContain(name),
    };
  },
  taskView: async (owner: TestUser): Promise<OwnedResource> => {
    const name = `alpha-view-${randomBytes(4).toString("hex")}`;
    const view = await createView(getDb(), owner.user.id, { name, filters: {} });
    return {
      id: view.id,
      data: [name],
      unchanged: async () => expect(await getView(getDb(), owner.user.id, view.id)).toMatchObject({ name }),
    };
  },
  device: async (owner: TestUser): Promise<OwnedResource> => {
    const name = `alpha-phone-${randomBytes(4).toString("hex")}`;
    const { device } = await registerDevice(getDb(), { userId: owner.user.id, scopes: ["messages:read", "messages:write", "devices:write"] }, { name, phoneNumber: "+15550100123" });
    return {
      id: device.id,
      data: [name, "+15550100123"],
      unchanged: async () => expect(await getDevice(getDb(), owner.user.id, device.id)).toMatchObject({ name, revokedAt: null }),
    };
  },
  message: async (owner: TestUser): Promise<OwnedResource> => {
    const body = `alpha-secret-body-${randomBytes(4).toString("hex")}`;
    const [outcome] = await ingestMessages(getDb(), { userId: owner.user.id, deviceId: null, source: "api" }, [
      messageInputSchema.parse({ type: "sms", sender: "+15550100999", body, receivedAt: new Date().toISOString() }),
    ]);
    const stored = outcome!.message;
    return {
      id: stored.id,
      data: [body],
      unchanged: async () => expect(await getMessage(getDb(), owner.user.id, stored.id)).toMatchObject({ body, readAt: null, deletedAt: null, tags: [] }),
    };
  },
  room: async (owner: TestUser): Promise<OwnedResource> => {
    const title = `alpha-incident-${randomBytes(4).toString("hex")}`;
    const actor = { userId: owner.user.id, role: owner.user.role, via: "apiKey" as const, scopes: ["rooms:read", "rooms:write"] as Scope[] };
    const room = await createRoom(getDb(), actor, createRoomSchema.parse({ title, severity: "sev2" }));
    return {
      id: room.id,
      data: [title],
      unchanged: async () => expect(await getRoom(getDb(), actor, room.id)).toMatchObject({ title, status: room.status, severity: "sev2" }),
    };
  },
  webhook: async (owner: TestUser): Promise<OwnedResource> => {
    const description = `alpha-hook-${randomBytes(4).toString("hex")}`;
    // A resolver that answers with a public address: the test makes no DNS lookup.
    const { webhook } = await createWebhook(getDb(), { userId: owner.user.id, role: owner.user.role }, { url: "https://hooks.example.com/alpha", events: ["task.created"], description, scope: "user" }, { resolver: async () => [{ address: "93.184.216.34", family: 4 }] });
    return {
      id: webhook.id,
      data: [description, "hooks.example.com"],
      unchanged: async () => expect(await getWebhook(getDb(), owner.user.id, webhook.id)).toMatchObject({ description }),
    };
  },
  phoneNumber: async (owner: TestUser): Promise<OwnedResource> => {
    // A pending number with a live code, so B's verify or resend would change it if it got through.
    const phoneNumber = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const [row] = await getDb()
      .insert(phoneNumbers)
      .values({ id: newId("pn"), userId: owner.user.id, phoneNumber, codeHash: "0".repeat(64), codeExpiresAt: new Date(Date.now() + 600_000), codeSentAt: new Date() })
      .returning();
    return {
      id: row!.id,
      data: [phoneNumber],
      unchanged: async () => {
        const [now] = await getDb().select().from(phoneNumbers).where(eq(phoneNumbers.id, row!.id));
        expect(now).toMatchObject({ phoneNumber, verifiedAt: null, attempts: 0, codeHash: "0".repeat(64) });
      },
    };
  },
} satisfies Record<string, (owner: TestUser) => Promise<OwnedResource>>;

export type ResourceName = keyof typeof RESOURCE_FACTORIES;
