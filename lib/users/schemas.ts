import { z } from "zod";
import { pageQuerySchema } from "@/lib/http/pagination";

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("must be an email address"))
  .transform((email) => email.toLowerCase());

export const passwordSchema = z.string().min(10, "must be at least 10 characters").max(256, "must be at most 256 characters");

export const nameSchema = z.string().trim().min(1, "is required").max(100);

export const timezoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Europe/Paris");

/** What the API shows of a user: never the hash, the TOTP secret or the session version. */
export const publicUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  timezone: z.string(),
  totpEnabled: z.boolean(),
  deactivatedAt: z.string().nullable(),
  createdAt: z.string(),
});

export type PublicUser = z.infer<typeof publicUserSchema>;

export function toPublicUser(user: {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
  timezone: string;
  totpEnabled: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
}): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    timezone: user.timezone,
    totpEnabled: user.totpEnabled,
    deactivatedAt: user.deactivatedAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export const setupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  timezone: timezoneSchema.optional(),
});

export const roleSchema = z.enum(["admin", "member"]);

export const updateProfileSchema = z
  .object({ name: nameSchema.optional(), timezone: timezoneSchema.optional() })
  .refine((value) => value.name !== undefined || value.timezone !== undefined, { message: "send name or timezone", path: ["name"] });

export const changePasswordSchema = z.object({
  /** Required when the account has a password (an OAuth-only account sets its first one without). */
  currentPassword: z.string().max(256).optional(),
  newPassword: passwordSchema,
});

export const adminUpdateUserSchema = z
  .object({
    role: roleSchema.optional(),
    active: z.boolean().optional(),
    /** Turns the user's two-factor sign-in off (a lost phone and lost backup codes). */
    resetTwoFactor: z.literal(true).optional(),
  })
  .refine((value) => value.role !== undefined || value.active !== undefined || value.resetTwoFactor, { message: "send role, active or resetTwoFactor", path: ["role"] });

export const adminUserListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  role: roleSchema.optional(),
  status: z.enum(["active", "deactivated"]).optional(),
});

/** GET /api/v1/admin/users: the page (limit, cursor) and the filters. */
export const adminUserPageQuerySchema = pageQuerySchema.extend(adminUserListQuerySchema.shape);

export const createInviteSchema = z.object({ email: emailSchema, role: roleSchema.default("member") });

export const acceptInviteSchema = z.object({ name: nameSchema, password: passwordSchema, timezone: timezoneSchema.optional() });

/** Invite tokens are 43 base64url characters; anything else cannot be one. */
export const inviteTokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

export const INVITE_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

export const inviteListQuerySchema = z.object({ status: z.enum(INVITE_STATUSES).optional() });

/** GET /api/v1/admin/invites: the page (limit, cursor) and the status filter. */
export const invitePageQuerySchema = pageQuerySchema.extend(inviteListQuerySchema.shape);

export const inviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(INVITE_STATUSES),
  invitedById: z.string().nullable(),
  acceptedUserId: z.string().nullable(),
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});

export type InviteView = z.infer<typeof inviteSchema>;
