import twilio from "twilio";
import { getConfig } from "@/lib/config/env";
import type { SmsProvider } from "@/lib/sms/provider";
import { validateTwilioSignature } from "@/lib/sms/signature";


/**
 * Sends every API call to TWILIO_API_BASE_URL instead of api.twilio.com,
 * keeping the path: the SDK builds absolute URLs from its domains, and a
 * custom httpClient is the one hook that sees them all.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: Parameters<twilio.RequestClient["request"]>[0] & { data?: TData }) {
    const target = new URL(opts.uri);
    const rebased = new URL(target.pathname + target.search, this.base);
    return super.request<TData>({ ...opts, uri: rebased.toString() });
  }
}

/** A price as Twilio writes it ("-0.00790", charged amounts are negative), as positive USD. */
export function parseTwilioPrice(price: string | null | undefined): number | null {
  if (price === null || price === undefined || price === "") return null;
  const value = Number(price);
  return Number.isFinite(value) ? Math.abs(value) : null;
}

let cached: { key: string; provider: SmsProvider } | undefined;

export function twilioProvider(): SmsProvider {
  const config = getConfig();
  const key = [config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_API_BASE_URL].join("|");
  if (cached?.key === key) return cached.provider;
  const client = twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
    httpClient: config.TWILIO_API_BASE_URL ? new RebasedRequestClient(new URL(config.TWILIO_API_BASE_URL)) : new twilio.RequestClient({ timeout: 10_000 }),
  });
  const provider: SmsProvider = {
    name: "twilio",
    async send(_db, { to, body }) {
      const current = getConfig();
      const sender = current.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: current.TWILIO_MESSAGING_SERVICE_SID } : { from: current.TWILIO_FROM_NUMBER! };
      const message = await client.messages.create({ to, body, ...sender });
      return { sid: message.sid, price: parseTwilioPrice(message.price) };
    },
    validateInbound: validateTwilioSignature,
    async fetchPrice(sid) {
      const message = await client.messages(sid).fetch();
      return parseTwilioPrice(message.price);
    },
  };
  cached = { key, provider };
  return provider;
}
