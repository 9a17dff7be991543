import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { statementName, type Database, type Queryable } from "@/lib/db/client";
import { coalesce } from "@/lib/db/coalesce";
import { newId } from "@/lib/db/ids";
import { apiKeys, users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { SCOPES, type Scope } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";

/**
 * API keys for devices, the CLI and integrations.
 *
 * A key reads `mh_<prefix>_<secret>`: the prefix is public and shown in
 * lists, the secret is shown once. Only the SHA-256 of the whole key is
 * stored, under a unique index, so a lookup is one indexed query and a
 * database leak reveals no usable key.
 */
export const scopeSchema = z.enum(SCOPES);

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  scopes: z.array(scopeSchema).min(1, "must name at least one scope").max(SCOPES.length),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .refine((date) => date.getTime() > Date.now(), "must be in the future")
    .optional(),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(scopeSchema),
  deviceId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});

export type ApiKeyView = z.infer<typeof apiKeySchema>;

type ApiKeyRow = typeof apiKeys.$inferSelect;

export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: `mh_${row.prefix}`,
    scopes: row.scopes as Scope[],
    deviceId: row.deviceId,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const KEY_PATTERN = /^mh_([0-9a-z]{8})_([0-9A-Za-z_-]{32,64})$/;

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function generateKey(): { key: string; prefix: string } {
  const prefix = randomBytes(5).toString("hex").slice(0, 8);
  const secret = randomBytes(32).toString("base64url");
  return { key: `mh_${prefix}_${secret}`, prefix };
}

type NewKeyInput = { name: string; scopes: readonly Scope[]; expiresAt?: Date; deviceId?: string };

async function insertApiKey(db: Queryable, userId: string, input: NewKeyInput): Promise<{ apiKey: ApiKeyView; key: string }> {
  const { key, prefix } = generateKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      userId,
      deviceId: input.deviceId ?? null,
      name: input.name,
      prefix,
      hash: hashKey(key),
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { apiKey: toApiKeyView(row!), key };
}

/**
 * Creates a key and returns it with its secret, the only time the secret is
 * seen. The creation is audited in the same transaction (a savepoint when
 * the caller passes its own transaction).
 */
export async function createApiKey(db: Queryable, userId: string, input: NewKeyInput): Promise<{ apiKey: ApiKeyView; key: string }> {
  return db.transaction(async (tx) => {
    const made = await insertApiKey(tx, userId, input);
    await recordAudit(tx, {
      action: "api_key.created",
      actorId: userId,
      target: { type: "api_key", id: made.apiKey.id },
      metadata: { name: made.apiKey.name, prefix: made.apiKey.prefix, scopes: made.apiKey.scopes, deviceId: made.apiKey.deviceId, expiresAt: made.apiKey.expiresAt },
    });
    return made;
  });
}

export async function listApiKeys(db: Queryable, userId: string, options: { includeRevoked?: boolean } = {}): Promise<ApiKeyView[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), options.includeRevoked ? undefined : isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toApiKeyView);
}

/** Revokes one of the user's keys (again is a no-op). Another user's key is a 404. */
export async function revokeApiKey(db: Queryable, userId: string, keyId: string): Promise<ApiKeyView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning();
    if (row) {
      await recordAudit(tx, { action: "api_key.revoked", actorId: userId, target: { type: "api_key", id: row.id }, metadata: { name: row.name, prefix: `mh_${row.prefix}` } });
      return toApiKeyView(row);
    }
    const [already] = await tx.select().from(apiKeys).where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, keyId))).limit(1);
    if (!already) throw new AppError("not_found", "API key not found");
    return toApiKeyView(already);
  });
}

/** Replaces a key with a new secret of the same name, scopes and expiry; the old one stops working at once. */
export async function rotateApiKey(db: Queryable, userId: string, keyId: string): Promise<{ apiKey: ApiKeyView; key: string; replaced: ApiKeyView }> {
  return db.transaction(async (tx) => {
    const [old] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!old) throw new AppError("not_found", "API key not found, or already revoked");
    const fresh = await insertApiKey(tx, userId, {
      name: old.name,
      scopes: old.scopes as Scope[],
      expiresAt: old.expiresAt ?? undefined,
      deviceId: old.deviceId ?? undefined,
    });
    await recordAudit(tx, {
      action: "api_key.rotated",
      actorId: userId,
      target: { type: "api_key", id: fresh.apiKey.id },
      metadata: { replacedId: old.id, name: old.name, prefix: fresh.apiKey.prefix, replacedPrefix: `mh_${old.prefix}` },
    });
    return { ...fresh, replaced: toApiKeyView(old) };
  });
}

export type VerifiedKey = {
  id: string;
  userId: string;
  deviceId: string | null;
  scopes: Scope[];
  lastUsedAt: Date | null;
  /** The owner as they are now, read in the same query: a deactivated owner's key must not work. */
  owner: { role: string; active: boolean };
};

/**
 * Finds the live key for a presented secret: not revoked, not expired. The
 * hash lookup is indexed; the final comparison is constant-time.
 */
export async function verifyApiKey(db: Database, presented: string): Promise<VerifiedKey | null> {
  if (!KEY_PATTERN.test(presented)) return null;
  const hash = hashKey(presented);
  const row = await lookupKey(db, hash);
  if (!row || !timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(hash, "hex"))) return null;
  return {
    id: row.id,
    userId: row.userId,
    deviceId: row.deviceId,
    scopes: row.scopes as Scope[],
    lastUsedAt: row.lastUsedAt,
    owner: { role: row.role, active: row.deactivatedAt === null },
  };
}

/**
 * Every API call looks up its key and the key's owner. The lookups of
 * concurrent requests go to Postgres together, as one statement (group
 * commit, lib/db/coalesce.ts): at most LOOKUP_STATEMENTS run at once, and the
 * requests that arrive meanwhile share the next. Each request still reads the
 * key after it arrived, so a revoked key fails on the next request.
 */
const LOOKUP_STATEMENTS = 1;
const lookupQueues = new WeakMap<Database, (hash: string) => Promise<KeyRow | undefined>>();

function lookupKey(db: Database, hash: string): Promise<KeyRow | undefined> {
  let queue = lookupQueues.get(db);
  if (!queue) {
    queue = coalesce(async (hashes: string[]) => {
      const rows = await (await keyLookup(db)).execute({ hashes: [...new Set(hashes)] });
      const byHash = new Map(rows.map((row) => [row.hash, row]));
      return hashes.map((hash) => byHash.get(hash));
    }, { concurrency: LOOKUP_STATEMENTS, maxBatch: 64 });
    lookupQueues.set(db, queue);
  }
  return queue(hash);
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof buildKeyLookup>["execute"]>>[number];

/**
 * A named statement, built once per database handle, so neither drizzle nor
 * Postgres plans it again on each request.
 */
const keyLookups = new WeakMap<Database, Promise<ReturnType<typeof buildKeyLookup>>>();
function keyLookup(db: Database) {
  let lookup = keyLookups.get(db);
  if (!lookup) {
    lookup = statementName(db, "verify_api_keys").then((name) => buildKeyLookup(db, name));
    lookup.catch(() => keyLookups.delete(db));
    keyLookups.set(db, lookup);
  }
  return lookup;
}

function buildKeyLookup(db: Database, name: string | undefined) {
  return db
    .select({
      id: apiKeys.id,
      hash: apiKeys.hash,
      userId: apiKeys.userId,
      deviceId: apiKeys.deviceId,
      scopes: apiKeys.scopes,
      lastUsedAt: apiKeys.lastUsedAt,
      role: users.role,
      deactivatedAt: users.deactivatedAt,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(sql`${apiKeys.hash} = any(${sql.placeholder("hashes")})`, isNull(apiKeys.revokedAt), sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`))
    .prepare(name ?? "");
}

/** Records use at most once a minute per key, so a busy device does not write on every request. */
export async function touchApiKey(db: Queryable, key: VerifiedKey): Promise<void> {
  if (key.lastUsedAt && Date.now() - key.lastUsedAt.getTime() < 60_000) return;
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.id, key.id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`));
}
