import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { consoleProvider } from "@/lib/sms/console-provider";
import { twilioProvider } from "@/lib/sms/twilio-provider";

/**
 * What the hub needs from an SMS provider. The inbound check is the
 * provider's signature scheme; the price comes back when the provider knows it.
 */
export type SentSms = { sid: string; price: number | null };

export type InboundCheck = { url: string; params: Record<string, string>; signature: string | null };

export interface SmsProvider {
  readonly name: "console" | "twilio";
  send(db: Database, message: { to: string; body: string }): Promise<SentSms>;
  /** Whether an inbound webhook really comes from the provider. */
  validateInbound(check: InboundCheck): boolean;
  /** The final price of a sent message in USD (positive), or null while the provider has none yet. */
  fetchPrice(sid: string): Promise<number | null>;
}

export function getSmsProvider(): SmsProvider {
  return getConfig().SMS_PROVIDER === "twilio" ? twilioProvider() : consoleProvider;
}
