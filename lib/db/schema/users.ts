import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const users = pgTable(
  "users",
  {
    id: text().primaryKey(),
    /** Stored lower-cased. */
    email: text().notNull(),
    name: text().notNull(),
    /** scrypt hash; null for accounts that only sign in through OAuth. */
    passwordHash: text(),
    role: text({ enum: ["admin", "member"] }).notNull().default("member"),
    timezone: text().notNull().default("UTC"),
    /** Encrypted TOTP secret while two-factor sign-in is on. */
    totpSecret: text(),
    totpEnabled: boolean().notNull().default(false),
    /** The last TOTP time step accepted, so a code cannot be replayed within its window. */
    totpLastStep: integer(),
    /** Bumped to end every session (password change, deactivation, sign out everywhere). */
    sessionVersion: integer().notNull().default(0),
    deactivatedAt: timestamp({ withTimezone: true }),
    preferences: jsonb().notNull().default({}),
    ...timestamps,
  },
  (t) => [
    // Sign-in and invite lookups by email.
    uniqueIndex("users_email_key").on(t.email),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Set for a device's key (no foreign key: devices are owned by lib/devices). */
    deviceId: text(),
    name: text().notNull(),
    /** The public part of the key, shown in lists: mh_<prefix>_… */
    prefix: text().notNull(),
    /** SHA-256 of the whole key, hex. */
    hash: text().notNull(),
    scopes: text().array().notNull(),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // Authentication: one lookup by hash per request.
    uniqueIndex("api_keys_hash_key").on(t.hash),
    // The key list on the settings page.
    index("api_keys_user_idx").on(t.userId, t.createdAt),
    // Revoking a device's keys.
    index("api_keys_device_idx").on(t.deviceId).where(sql`device_id is not null`),
  ],
);

/**
 * OAuth identities linked to a hub account. A sign-in through a provider
 * finds its account here first; the first sign-in links by verified email.
 */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** next-auth's provider id: github, google or oidc. */
    provider: text().notNull(),
    /** The provider's stable id for the person (GitHub id, OIDC sub). */
    providerAccountId: text().notNull(),
    /** The verified email the link was made by, for the admin's eyes. */
    email: text().notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // Sign-in: find the account for a provider identity.
    uniqueIndex("oauth_accounts_provider_key").on(t.provider, t.providerAccountId),
    // A user's linked identities (profile page, cascade on delete).
    index("oauth_accounts_user_idx").on(t.userId),
  ],
);

/** Single-use backup codes for two-factor sign-in, stored as keyed hashes. */
export const totpBackupCodes = pgTable(
  "totp_backup_codes",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** HMAC-SHA256 of the normalised code under a key derived from the auth secret, hex. */
    codeHash: text().notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Redeeming a code: one lookup by (user, hash); also counts the codes left.
    uniqueIndex("totp_backup_codes_user_hash_key").on(t.userId, t.codeHash),
  ],
);

/**
 * Invitations to join the hub. The link carries a random token; only its
 * SHA-256 is stored. Single use: accepting sets acceptedAt in the same
 * statement that checks it is unset.
 */
export const invites = pgTable(
  "invites",
  {
    id: text().primaryKey(),
    /** Stored lower-cased. */
    email: text().notNull(),
    role: text({ enum: ["admin", "member"] }).notNull().default("member"),
    tokenHash: text().notNull(),
    invitedById: text().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    acceptedUserId: text().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // Opening and accepting a link: one lookup by token hash.
    uniqueIndex("invites_token_hash_key").on(t.tokenHash),
    // Re-inviting an email and OAuth sign-in of an invited email: pending invites by email.
    index("invites_email_pending_idx").on(t.email).where(sql`accepted_at is null and revoked_at is null`),
  ],
);
