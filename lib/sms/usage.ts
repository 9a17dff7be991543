import { getConfig } from "@/lib/config/env";
import type { Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { smsUsage } from "@/lib/db/schema/sms";
import { metrics } from "@/lib/metrics/metrics";
import { countryOf } from "@/lib/sms/phone";
import { countSegments } from "@/lib/sms/segments";

export type UsageEntry = {
  userId: string | null;
  direction: "inbound" | "outbound";
  number: string;
  messageSid?: string | null;
  kind: "message" | "guidance" | "verification" | "reply" | "notification";
  body: string;
  /** The provider's price in USD, when it returned one. */
  providerPrice?: number | null;
  latencyMs?: number | null;
  outcome: "routed" | "unknown_sender" | "invalid_signature" | "sent" | "error";
  error?: string | null;
};

/** USD for `segments` segments to or from `number`, from the configured rate table. */
export function tablePrice(number: string, segments: number): number {
  const table = getConfig().SMS_RATE_TABLE;
  const country = countryOf(number);
  const rate = (country ? table[country] : undefined) ?? table.default;
  // Rounded to a hundredth of a cent's hundredth, so sums do not drift in floating point.
  return Math.round(rate * segments * 1e6) / 1e6;
}

/**
 * One usage row per SMS, in either direction. The body is only measured,
 * never stored here. Returns false when the inbound MessageSid was already
 * logged (the dedupe of a Twilio retry that raced the first delivery).
 */
export async function recordUsage(db: Queryable, entry: UsageEntry): Promise<boolean> {
  const { encoding, segments } = countSegments(entry.body);
  const price = entry.providerPrice ?? tablePrice(entry.number, segments);
  const inserted = await db
    .insert(smsUsage)
    .values({
      id: newId("smsu"),
      userId: entry.userId,
      direction: entry.direction,
      number: entry.number,
      messageSid: entry.messageSid ?? null,
      kind: entry.kind,
      encoding,
      segments,
      price,
      priceSource: entry.providerPrice != null ? "twilio" : "rate_table",
      latencyMs: entry.latencyMs ?? null,
      outcome: entry.outcome,
      error: entry.error ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: smsUsage.id });
  if (inserted.length === 0) return false;
  // Counted once per usage row (a Twilio retry that was already logged is not).
  metrics().sms.inc({ direction: entry.direction, outcome: entry.outcome });
  if (Number.isFinite(price) && price > 0) metrics().smsCost.inc({ direction: entry.direction }, price);
  return true;
}
