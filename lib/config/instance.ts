import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { instanceSettings } from "@/lib/db/schema/platform";

/**
 * Returns the instance-wide value for `key`, creating it with `make` the
 * first time. Concurrent first boots race on the primary key; the loser
 * reads the winner's value, so every instance agrees.
 */
export async function getOrCreateSetting(db: Queryable, key: string, make: () => string): Promise<string> {
  await db.insert(instanceSettings).values({ key, value: make() }).onConflictDoNothing();
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, key));
  return row!.value;
}

const SECRET_KEY = Symbol.for("message-hub.auth-secret");
type Holder = { [SECRET_KEY]?: string };

/**
 * The secret that signs session cookies: AUTH_SECRET when set, otherwise one
 * generated on first boot and kept in the database, so `npm start` needs no
 * setup and every instance signs alike.
 */
export async function loadAuthSecret(db: Queryable, configured: string | undefined): Promise<string> {
  const secret = configured ?? (await getOrCreateSetting(db, "auth_secret", () => randomBytes(48).toString("base64url")));
  (globalThis as Holder)[SECRET_KEY] = secret;
  return secret;
}

export function getAuthSecret(): string {
  const secret = (globalThis as Holder)[SECRET_KEY];
  if (!secret) throw new Error("The session secret is not loaded yet");
  return secret;
}

export function setAuthSecret(secret: string): void {
  (globalThis as Holder)[SECRET_KEY] = secret;
}
