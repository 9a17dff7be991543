import { z } from "zod";
import { SCOPES } from "@/lib/auth/actor";
import { apiKeySchema } from "@/lib/auth/api-keys";
import { secondFactorProofSchema, totpCodeSchema, type confirmTotpEnrolment, type regenerateBackupCodes, type startTotpEnrolment, type TotpStatus } from "@/lib/auth/totp";
import type { ApiOperation, SameShape, Serialized } from "@/lib/http/openapi";
import type { findInviteByToken } from "@/lib/users/invites";
import { acceptInviteSchema, changePasswordSchema, inviteTokenParams, publicUserSchema, roleSchema, setupSchema, updateProfileSchema } from "@/lib/users/schemas";

const setupResponseSchema = z.object({ user: publicUserSchema, apiKey: apiKeySchema, key: z.string().meta({ description: "An all-scopes key, shown once." }) });
const meSchema = z.object({
  user: publicUserSchema,
  auth: z.object({ via: z.enum(["session", "apiKey"]), scopes: z.array(z.enum(SCOPES)), apiKeyId: z.string().nullable(), deviceId: z.string().nullable() }),
});
const userResponse = z.object({ user: publicUserSchema });

const totpStatusSchema = z.object({
  enabled: z.boolean().meta({ description: "Two-factor sign-in is on: password sign-in asks for a code." }),
  pending: z.boolean().meta({ description: "Enrolment was started and awaits its first code (POST /api/v1/me/totp/confirm)." }),
  backupCodesRemaining: z.number().meta({ description: "Unused backup codes; 0 while two-factor is off." }),
});
const _totpStatusShape: SameShape<z.output<typeof totpStatusSchema>, Serialized<TotpStatus>> = true;

const totpEnrolmentSchema = z.object({
  secret: z.string().meta({ description: "The base32 secret, for typing into an authenticator app by hand." }),
  otpauthUri: z.string().meta({ description: "The otpauth:// URI (SHA-1, 6 digits, 30 s)." }),
  qrDataUrl: z.string().meta({ description: "A QR code of the URI as a data:image/png URL." }),
});
const _totpEnrolmentShape: SameShape<z.output<typeof totpEnrolmentSchema>, Serialized<Awaited<ReturnType<typeof startTotpEnrolment>>>> = true;

const backupCodesSchema = z.object({ backupCodes: z.array(z.string()).meta({ description: "10 single-use codes (xxxxx-xxxxx), shown this once." }) });
const _confirmShape: SameShape<z.output<typeof backupCodesSchema>, Serialized<Awaited<ReturnType<typeof confirmTotpEnrolment>>>> = true;
const _regenerateShape: SameShape<z.output<typeof backupCodesSchema>, Serialized<Awaited<ReturnType<typeof regenerateBackupCodes>>>> = true;

const invitePreviewSchema = z.object({ invite: z.object({ email: z.string(), role: roleSchema, expiresAt: z.string() }) });
const _invitePreviewShape: SameShape<z.output<typeof invitePreviewSchema>, Serialized<{ invite: Awaited<ReturnType<typeof findInviteByToken>> }>> = true;

const SESSION_ONLY = "Session only, like every account-security route: a leaked API key must not be enough.";
const AUTH_LIMIT = "Counts against the strict auth rate limit (RATE_LIMIT_AUTH_PER_15_MINUTES, default 10 per 15 minutes), shared by the caller's auth-limited routes and counted per user, across their keys.";
const authLimited = { 429: { description: "Over the auth rate limit; Retry-After says when to try again" } };

export const userOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/setup",
    tag: "Setup and account",
    summary: "Create the first administrator",
    description: "Works only while no user exists; afterwards it answers 409.",
    auth: "public",
    body: setupSchema,
    responses: { 201: { description: "The first administrator and an all-scopes API key", schema: setupResponseSchema }, 409: { description: "Setup is already done" } },
  },
  { method: "get", path: "/api/v1/me", tag: "Setup and account", summary: "Who the caller is, and how they authenticated", auth: "user", responses: { 200: { description: "The caller", schema: meSchema } } },
  {
    method: "patch",
    path: "/api/v1/me",
    tag: "Setup and account",
    summary: "Change the caller's name or time zone",
    description: "Send name, timezone (an IANA zone such as Europe/Paris) or both. The change is audited.",
    auth: "user",
    refuseDeviceKeys: true,
    body: updateProfileSchema,
    responses: { 200: { description: "The updated user", schema: userResponse }, 422: { description: "Neither name nor timezone sent, or an unknown time zone" } },
  },
  {
    method: "post",
    path: "/api/v1/me/password",
    tag: "Setup and account",
    summary: "Change the password; every other session ends",
    description:
      `currentPassword is required when the account has a password (an OAuth-only account sets its first one without). Every other browser session ends and its open sockets close; this browser gets a re-issued session cookie and stays signed in, and API keys keep working. ${SESSION_ONLY} ${AUTH_LIMIT}`,
    auth: "user",
    sessionOnly: true,
    body: changePasswordSchema,
    responses: {
      204: { description: "Changed; Set-Cookie carries this browser's re-issued session" },
      422: { description: "The current password is missing or wrong, or the new one is too short" },
      ...authLimited,
    },
  },
  {
    method: "delete",
    path: "/api/v1/me/sessions",
    tag: "Setup and account",
    summary: "Sign out everywhere, this browser included",
    description: `Every browser session of the caller ends and their session sockets close; the response clears this browser's cookie. API keys keep working. ${SESSION_ONLY}`,
    auth: "user",
    sessionOnly: true,
    responses: { 204: { description: "Signed out everywhere" } },
  },
  {
    method: "get",
    path: "/api/v1/me/totp",
    tag: "Setup and account",
    summary: "Two-factor status: on, pending confirmation, backup codes left",
    description: SESSION_ONLY,
    auth: "user",
    sessionOnly: true,
    responses: { 200: { description: "The two-factor status", schema: totpStatusSchema } },
  },
  {
    method: "post",
    path: "/api/v1/me/totp",
    tag: "Setup and account",
    summary: "Start two-factor enrolment",
    description: `Returns a new secret for an authenticator app; it is not enforced until confirmed with a code. Starting again replaces a pending secret. ${SESSION_ONLY}`,
    auth: "user",
    sessionOnly: true,
    responses: {
      200: { description: "What the authenticator app needs", schema: totpEnrolmentSchema },
      409: { description: "Two-factor is already on (turn it off first), or the account has no password (two-factor guards password sign-in)" },
    },
  },
  {
    method: "post",
    path: "/api/v1/me/totp/confirm",
    tag: "Setup and account",
    summary: "Turn two-factor on with a current code",
    description: `Returns 10 single-use backup codes, shown once. ${SESSION_ONLY} ${AUTH_LIMIT}`,
    auth: "user",
    sessionOnly: true,
    body: totpCodeSchema,
    responses: {
      200: { description: "Two-factor is on; the backup codes", schema: backupCodesSchema },
      409: { description: "Already on, no enrolment started, the enrolment changed meanwhile, or the stored secret cannot be read (the server's auth secret changed)" },
      422: { description: "The code is not the current one from the authenticator app" },
      ...authLimited,
    },
  },
  {
    method: "post",
    path: "/api/v1/me/totp/disable",
    tag: "Setup and account",
    summary: "Turn two-factor off, or cancel a pending enrolment",
    description: `Takes the password or a code (a current TOTP code, or an unused backup code, which it spends). Deletes the secret and every backup code. ${SESSION_ONLY} ${AUTH_LIMIT}`,
    auth: "user",
    sessionOnly: true,
    body: secondFactorProofSchema,
    responses: {
      204: { description: "Two-factor is off" },
      409: { description: "Two-factor is neither on nor pending" },
      422: { description: "Neither sent, or the password or code is wrong" },
      ...authLimited,
    },
  },
  {
    method: "post",
    path: "/api/v1/me/totp/backup-codes",
    tag: "Setup and account",
    summary: "Replace every backup code",
    description: `Takes the password or a code, as turning two-factor off does. The old backup codes stop working; the new ones are shown once. ${SESSION_ONLY} ${AUTH_LIMIT}`,
    auth: "user",
    sessionOnly: true,
    body: secondFactorProofSchema,
    responses: {
      200: { description: "The new backup codes", schema: backupCodesSchema },
      409: { description: "Two-factor is not on" },
      422: { description: "Neither sent, or the password or code is wrong" },
      ...authLimited,
    },
  },
  {
    method: "get",
    path: "/api/v1/invites/{token}",
    tag: "Setup and account",
    summary: "What an invite link is for: email, role, expiry",
    description: "For the invite page, before the person accepts. Rate-limited per IP with the strict auth limit (RATE_LIMIT_AUTH_PER_15_MINUTES, default 10 per 15 minutes).",
    auth: "public",
    params: inviteTokenParams,
    responses: {
      200: { description: "The pending invite", schema: invitePreviewSchema },
      404: { description: "No such invite, or it was revoked" },
      410: { description: "The invite was already used, or has expired" },
      ...authLimited,
    },
  },
  {
    method: "post",
    path: "/api/v1/invites/{token}/accept",
    tag: "Setup and account",
    summary: "Accept an invite: create the account",
    description:
      "Creates the account with the invited email and role, and the name and password given. The link works once: two people racing on it create one account. Sign in afterwards. Rate-limited per IP with the strict auth limit (RATE_LIMIT_AUTH_PER_15_MINUTES, default 10 per 15 minutes).",
    auth: "public",
    params: inviteTokenParams,
    body: acceptInviteSchema,
    responses: {
      201: { description: "The new user", schema: userResponse },
      404: { description: "No such invite, or it was revoked" },
      409: { description: "A user with the invited email exists already" },
      410: { description: "The invite was already used, or has expired" },
      ...authLimited,
    },
  },
];
