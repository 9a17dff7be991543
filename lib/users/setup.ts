import { sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { SCOPES } from "@/lib/auth/actor";
import { createApiKey, type ApiKeyView } from "@/lib/auth/api-keys";
import { hashPassword } from "@/lib/auth/passwords";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/http/errors";
import { toPublicUser, type PublicUser } from "@/lib/users/schemas";
import { createUser } from "@/lib/users/users";

/** Fixed id of the advisory lock that serialises first-run setup across instances. */
const SETUP_LOCK_ID = 7_302_114_202;

/**
 * Creates the first admin, and an all-scopes API key for them, while no user
 * exists. Two setups racing (two tabs, two instances) produce one admin: the
 * transaction takes an advisory lock, then checks for users.
 */
export async function setupFirstAdmin(
  db: Database,
  input: { email: string; password: string; name: string; timezone?: string },
  options: { via?: "setup" | "cli" } = {},
): Promise<{ user: PublicUser; apiKey: ApiKeyView; key: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_ID})`);
    const existing = await tx.execute<{ present: boolean }>(sql`select exists(select 1 from users) as present`);
    if (existing.rows[0]?.present) throw new AppError("conflict", "Setup is already done; sign in instead");
    const user = await createUser(tx, { email: input.email, name: input.name, timezone: input.timezone, passwordHash, role: "admin" });
    await recordAudit(tx, { action: "user.created", actorId: user.id, target: { type: "user", id: user.id }, metadata: { via: options.via ?? "setup", role: "admin" } });
    const { apiKey, key } = await createApiKey(tx, user.id, { name: "Setup key", scopes: SCOPES });
    return { user: toPublicUser(user), apiKey, key };
  });
}

/**
 * Creates an admin from the command line: on a fresh hub the first admin
 * (with an all-scopes key, as setup makes), otherwise one more admin. Under
 * the setup lock, so it cannot race a web setup into two "first" admins.
 */
export async function createAdminAccount(
  db: Database,
  input: { email: string; password: string; name: string; timezone?: string },
): Promise<{ user: PublicUser; first: boolean; apiKey?: ApiKeyView; key?: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_ID})`);
    const existing = await tx.execute<{ present: boolean }>(sql`select exists(select 1 from users) as present`);
    const first = !existing.rows[0]?.present;
    const user = await createUser(tx, { email: input.email, name: input.name, timezone: input.timezone, passwordHash, role: "admin" });
    await recordAudit(tx, { action: "user.created", actorId: null, target: { type: "user", id: user.id }, metadata: { via: "cli", role: "admin", first } });
    if (!first) return { user: toPublicUser(user), first };
    const { apiKey, key } = await createApiKey(tx, user.id, { name: "Setup key", scopes: SCOPES });
    return { user: toPublicUser(user), first, apiKey, key };
  });
}
