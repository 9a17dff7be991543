import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { getAuthSecret } from "@/lib/config/instance";

/**
 * Secrets at rest under keys derived from the instance's auth secret.
 *
 * Each purpose gets its own key (HKDF-SHA256), so a key used to hash backup
 * codes can never decrypt a TOTP secret. A database dump alone reveals no
 * usable TOTP secret and no backup code; it takes the auth secret as well.
 * Changing AUTH_SECRET therefore invalidates two-factor enrolments (see
 * docs/security.md).
 */
export type SecretPurpose = "totp-secret" | "backup-code";

function keyFor(purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", getAuthSecret(), "message-hub/v1", purpose, 32));
}

/**
 * AES-256-GCM. `context` (such as the owning user's id) is bound as
 * additional data, so a sealed value copied onto another row does not open.
 */
export function sealSecret(plaintext: string, purpose: SecretPurpose, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(purpose), iv);
  cipher.setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), sealed.toString("base64url")].join(".");
}

/** The plaintext, or null when the value was tampered with or sealed under another key or context. */
export function openSecret(sealed: string, purpose: SecretPurpose, context: string): string | null {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !data) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(purpose), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** A keyed hash (HMAC-SHA256, hex) for high-entropy values that are looked up, never read back. */
export function keyedHash(value: string, purpose: SecretPurpose): string {
  return createHmac("sha256", keyFor(purpose)).update(value).digest("hex");
}
