import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config/env";
import { getOrCreateSetting } from "@/lib/config/instance";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { instanceSettings } from "@/lib/db/schema/platform";

/**
 * Webhook signing secrets: made here, shown to the owner once, and stored
 * encrypted (AES-256-GCM) because signing needs the secret itself, so it
 * cannot be hashed like an API key. The key comes from WEBHOOK_SECRETS_KEY,
 * or from one generated on first use and kept in instance_settings.
 */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/**
 * The documented recipe: hex HMAC-SHA256, keyed with the secret exactly as
 * shown (UTF-8), over `<timestamp>.<raw body>`.
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

const KEY_CACHE = Symbol.for("message-hub.webhook-secrets-key");
type Holder = { [KEY_CACHE]?: { source: string; key: Buffer } };

async function storedKey(db: Queryable): Promise<string> {
  // Read first: every delivery attempt decrypts, and the key is made only once.
  const [row] = await db.select({ value: instanceSettings.value }).from(instanceSettings).where(eq(instanceSettings.key, "webhook_secrets_key"));
  return row?.value ?? getOrCreateSetting(db, "webhook_secrets_key", () => randomBytes(32).toString("base64url"));
}

async function encryptionKey(db: Queryable): Promise<Buffer> {
  const source = getConfig().WEBHOOK_SECRETS_KEY ?? (await storedKey(db));
  const holder = globalThis as Holder;
  if (holder[KEY_CACHE]?.source === source) return holder[KEY_CACHE].key;
  const key = Buffer.from(hkdfSync("sha256", source, "message-hub", "webhook signing secrets v1", 32));
  holder[KEY_CACHE] = { source, key };
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export async function encryptSecret(db: Queryable, secret: string): Promise<string> {
  const key = await encryptionKey(db);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export class SecretUnreadableError extends Error {
  constructor() {
    super("The webhook's signing secret cannot be decrypted (was WEBHOOK_SECRETS_KEY changed?). Delete and recreate the webhook.");
    this.name = "SecretUnreadableError";
  }
}

export async function decryptSecret(db: Queryable, stored: string): Promise<string> {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new SecretUnreadableError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", await encryptionKey(db), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadableError();
  }
}
