import webpush from "web-push";
import { getConfig } from "@/lib/config/env";
import { getOrCreateSetting } from "@/lib/config/instance";
import type { Queryable } from "@/lib/db/client";

export type VapidDetails = { subject: string; publicKey: string; privateKey: string };

const VAPID_KEY = Symbol.for("message-hub.vapid");
type Holder = { [VAPID_KEY]?: Promise<VapidDetails> };

/**
 * The VAPID key pair that signs every push. VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY
 * win when set; otherwise the first caller generates a pair and stores it as
 * one instance setting (insert … on conflict do nothing), so every instance
 * signs with the same pair and browsers' subscriptions keep working.
 */
export function getVapidDetails(db: Queryable): Promise<VapidDetails> {
  const holder = globalThis as Holder;
  holder[VAPID_KEY] ??= loadVapidDetails(db).catch((error: unknown) => {
    // A failed load (database down at that moment) must not be cached forever.
    holder[VAPID_KEY] = undefined;
    throw error;
  });
  return holder[VAPID_KEY];
}

async function loadVapidDetails(db: Queryable): Promise<VapidDetails> {
  const config = getConfig();
  const subject = config.VAPID_SUBJECT ?? defaultSubject(config.PUBLIC_URL);
  if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY) {
    return { subject, publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY };
  }
  const stored = await getOrCreateSetting(db, "vapid_keys", () => JSON.stringify(webpush.generateVAPIDKeys()));
  const keys = JSON.parse(stored) as { publicKey: string; privateKey: string };
  return { subject, publicKey: keys.publicKey, privateKey: keys.privateKey };
}

function defaultSubject(publicUrl: string | undefined): string {
  if (publicUrl?.startsWith("https://")) return publicUrl;
  return "mailto:push@message-hub.invalid";
}

/** Forgets the cached pair (tests that change the configuration). */
export function resetVapidDetails(): void {
  (globalThis as Holder)[VAPID_KEY] = undefined;
}
