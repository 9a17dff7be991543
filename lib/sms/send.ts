import type { Database } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { getLogger } from "@/lib/log/logger";
import { getSmsProvider } from "@/lib/sms/provider";
import { recordUsage, type UsageEntry } from "@/lib/sms/usage";

/**
 * Sends one SMS through the configured provider and logs its usage. The
 * price is the provider's when it has one at send time or right after
 * (Twilio often fills it in later; the rate table stands in otherwise).
 * A provider failure is logged as an error outcome and surfaces as 503.
 */
export async function sendSms(db: Database, message: { userId: string | null; to: string; body: string; kind: UsageEntry["kind"] }): Promise<{ sid: string }> {
  const provider = getSmsProvider();
  const started = performance.now();
  let sent;
  try {
    sent = await provider.send(db, { to: message.to, body: message.body });
  } catch (error) {
    getLogger().warn({ err: error, to: message.to, provider: provider.name }, "sms send failed");
    await recordUsage(db, { userId: message.userId, direction: "outbound", number: message.to, kind: message.kind, body: message.body, latencyMs: elapsed(started), outcome: "error", error: (error as Error).message?.slice(0, 500) ?? "send failed" });
    throw new AppError("unavailable", "The SMS provider did not accept the message; try again later", { cause: error });
  }
  let price = sent.price;
  if (price === null && provider.name === "twilio") {
    price = await provider.fetchPrice(sent.sid).catch((error: unknown) => {
      getLogger().info({ err: error, sid: sent.sid }, "sms price not available yet; using the rate table");
      return null;
    });
  }
  await recordUsage(db, { userId: message.userId, direction: "outbound", number: message.to, messageSid: sent.sid, kind: message.kind, body: message.body, providerPrice: price, latencyMs: elapsed(started), outcome: "sent" });
  return { sid: sent.sid };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
