import { z } from "zod";
import type { listAuditEvents } from "@/lib/audit/list";
import { auditEventSchema, auditQuerySchema } from "@/lib/audit/schemas";
import { idParams } from "@/lib/auth/params";
import { pageSchema } from "@/lib/http/list-cursor";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import type { MailboxEntry } from "@/lib/notifications/mailbox";
import { mailboxQuerySchema } from "@/lib/notifications/schemas";
import type { listUsers } from "@/lib/users/admin";
import type { createInvite, listInvites } from "@/lib/users/invites";
import { adminUpdateUserSchema, adminUserPageQuerySchema, createInviteSchema, invitePageQuerySchema, inviteSchema, publicUserSchema } from "@/lib/users/schemas";

export const adminTags: ApiTag[] = [{ name: "Administration", description: "Administrators only: people's accounts and roles, invite links, the audit log and the dev mailbox." }];

const TAG = "Administration";

const userPageSchema = pageSchema(publicUserSchema);
const _userPageShape: SameShape<z.output<typeof userPageSchema>, Serialized<Awaited<ReturnType<typeof listUsers>>>> = true;
const userResponse = z.object({ user: publicUserSchema });

const invitePageSchema = pageSchema(inviteSchema);
const _invitePageShape: SameShape<z.output<typeof invitePageSchema>, Serialized<Awaited<ReturnType<typeof listInvites>>>> = true;
const inviteResponse = z.object({ invite: inviteSchema });
const createdInviteSchema = z.object({
  invite: inviteSchema,
  token: z.string().meta({ description: "The invite's secret token, shown once; only its SHA-256 is stored." }),
  url: z.string().meta({ description: "The single-use invite link to pass on: <base URL>/invite/<token>." }),
});
const _createdInviteShape: SameShape<z.output<typeof createdInviteSchema>, Serialized<Awaited<ReturnType<typeof createInvite>>>> = true;

const auditPageSchema = pageSchema(auditEventSchema);
const _auditPageShape: SameShape<z.output<typeof auditPageSchema>, Serialized<Awaited<ReturnType<typeof listAuditEvents>>>> = true;

const mailboxEntrySchema = z.object({
  id: z.string(),
  messageId: z.string().meta({ description: "The Message-ID header the email carries." }),
  to: z.string(),
  subject: z.string(),
  text: z.string().meta({ description: "The plain-text body." }),
  html: z.string().meta({ description: "The HTML body." }),
  createdAt: z.string(),
});
const mailboxResponse = z.object({ data: z.array(mailboxEntrySchema) });
const _mailboxShape: SameShape<z.output<typeof mailboxResponse>, Serialized<{ data: MailboxEntry[] }>> = true;

export const adminOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/admin/users",
    tag: TAG,
    summary: "List users, active and deactivated",
    description: "Oldest first. q matches part of the email or name (any case); role and status (active, deactivated) filter.",
    auth: "admin",
    query: adminUserPageQuerySchema,
    responses: { 200: { description: "A page of users", schema: userPageSchema } },
  },
  {
    method: "get",
    path: "/api/v1/admin/users/{id}",
    tag: TAG,
    summary: "One user, active or deactivated",
    auth: "admin",
    params: idParams,
    responses: { 200: { description: "The user", schema: userResponse }, 404: { description: "No such user" } },
  },
  {
    method: "patch",
    path: "/api/v1/admin/users/{id}",
    tag: TAG,
    summary: "Change a user's role, deactivate or reactivate them, or reset their two-factor",
    description:
      "active: false deactivates: their sessions end, their API keys stop and their open sockets close at once; active: true reactivates. resetTwoFactor: true turns their two-factor sign-in off and deletes their backup codes (a lost phone and lost codes); an admin turns their own off under /me/totp/disable instead (403 here). The hub always keeps one active admin, so demoting or deactivating the last one is refused.",
    auth: "admin",
    params: idParams,
    body: adminUpdateUserSchema,
    responses: {
      200: { description: "The user after the change", schema: userResponse },
      403: { description: "resetTwoFactor on the caller's own account" },
      404: { description: "No such user" },
      409: { description: "The user is the last active admin; make another user an admin first" },
      422: { description: "None of role, active or resetTwoFactor sent" },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/invites",
    tag: TAG,
    summary: "List invites",
    description: "Newest first; status filters (pending, accepted, revoked, expired). Tokens are never shown again.",
    auth: "admin",
    query: invitePageQuerySchema,
    responses: { 200: { description: "A page of invites", schema: invitePageSchema } },
  },
  {
    method: "post",
    path: "/api/v1/admin/invites",
    tag: TAG,
    summary: "Invite an email with a role (default member)",
    description:
      "Returns the single-use link and its token, shown once; the link expires after INVITE_TTL_HOURS (default 72). The hub does not email it: pass it on. A pending invite for the same email is revoked, so only the newest link works.",
    auth: "admin",
    body: createInviteSchema,
    responses: { 201: { description: "The invite, its token and its link", schema: createdInviteSchema }, 409: { description: "A user with this email exists already (deactivated ones included)" } },
  },
  {
    method: "delete",
    path: "/api/v1/admin/invites/{id}",
    tag: TAG,
    summary: "Revoke an invite; its link stops working",
    description: "Revoking an invite that is already revoked changes nothing and answers 200 again.",
    auth: "admin",
    params: idParams,
    responses: {
      200: { description: "The revoked invite", schema: inviteResponse },
      404: { description: "No such invite" },
      409: { description: "The invite was already accepted; deactivate the user instead" },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/audit",
    tag: TAG,
    summary: "Read the audit log",
    description:
      "Newest first. Filter by action, actor (a user id: what that user did), and since and until (ISO 8601 with an offset, both inclusive). actor is null when nobody is known (a failed sign-in); metadata never holds a secret.",
    auth: "admin",
    query: auditQuerySchema,
    responses: { 200: { description: "A page of audit events", schema: auditPageSchema } },
  },
  {
    method: "get",
    path: "/api/v1/admin/mailbox",
    tag: TAG,
    summary: "Read the dev mailbox: email the hub kept instead of sending",
    description:
      "When SMTP_URL is not set, the hub stores every email here instead of sending it, whoever it is for. Newest first, and not paged: limit (default 50, max 200) takes the newest, and the response has data only.",
    auth: "admin",
    query: mailboxQuerySchema,
    responses: { 200: { description: "The newest emails", schema: mailboxResponse } },
  },
];
