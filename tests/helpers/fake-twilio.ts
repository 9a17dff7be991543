import { randomBytes, randomInt } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { getConfig, setConfig, type Config } from "@/lib/config/env";
import { rememberSecret } from "@/tests/helpers/logs";

/**
 * A local stand-in for Twilio's Messages API on a port from the OS: it
 * checks the account's Basic auth, records each message the hub sends, and
 * answers like Twilio (price null at create, filled in on fetch). It also
 * signs inbound webhooks with twilio's own signature function.
 */
export const FAKE_ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
export const FAKE_AUTH_TOKEN = rememberSecret("secret", `tok_${randomBytes(12).toString("hex")}`);
export const PUBLIC_URL = "https://hub.example.com";
export const TWILIO_NUMBER = "+15550009999";
export const WEBHOOK_PATH = "/api/v1/webhooks/twilio/sms";

export type SentByHub = { sid: string; to: string; from: string | null; messagingServiceSid: string | null; body: string };

export async function startFakeTwilio(options: { price?: string | null } = {}) {
  const sent: SentByHub[] = [];
  let failing = false;
  const price = options.price === undefined ? "-0.00790" : options.price;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.statusCode = status;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(body));
      };
      const expected = `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return reply(401, { code: 20003, message: "Authenticate", status: 401 });
      const base = `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages`;
      const url = new URL(req.url ?? "/", "http://fake");
      if (req.method === "POST" && url.pathname === `${base}.json`) {
        if (failing) return reply(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        const message = { sid: `SM${randomBytes(16).toString("hex")}`, to: form.get("To")!, from: form.get("From"), messagingServiceSid: form.get("MessagingServiceSid"), body: form.get("Body")! };
        sent.push(message);
        return reply(201, { sid: message.sid, account_sid: FAKE_ACCOUNT_SID, to: message.to, from: message.from, body: message.body, status: "queued", price: null, price_unit: "USD", num_segments: "1" });
      }
      const fetched = url.pathname.match(new RegExp(`^${base}/(SM[0-9a-f]+)\\.json$`));
      if (req.method === "GET" && fetched) {
        const message = sent.find((m) => m.sid === fetched[1]);
        if (!message) return reply(404, { code: 20404, message: "Not found", status: 404 });
        return reply(200, { sid: message.sid, account_sid: FAKE_ACCOUNT_SID, to: message.to, body: message.body, status: "sent", price, price_unit: "USD" });
      }
      reply(404, { code: 20404, message: "Not found", status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    fail(on: boolean) {
      failing = on;
    },
    /** The last code texted to `to`. */
    codeFor(to: string): string {
      const message = [...sent].reverse().find((m) => m.to === to);
      const code = message?.body.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code was sent to ${to}`);
      return code;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

/** The hub configured for Twilio against the fake; returns the config to restore. */
export function useFakeTwilio(fake: FakeTwilio, changes: Partial<Config> = {}): Config {
  const saved = getConfig();
  setConfig({
    ...saved,
    PUBLIC_URL,
    SMS_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
    TWILIO_FROM_NUMBER: TWILIO_NUMBER,
    TWILIO_API_BASE_URL: fake.baseUrl,
    ...changes,
  });
  return saved;
}

/** A form post as Twilio sends it, signed over `signedUrl` with twilio's own function. */
export function twilioRequest(params: Record<string, string>, options: { signedUrl?: string; signedParams?: Record<string, string>; signature?: string | null } = {}) {
  const signature =
    options.signature === null ? undefined : (options.signature ?? twilio.getExpectedTwilioSignature(FAKE_AUTH_TOKEN, options.signedUrl ?? `${PUBLIC_URL}${WEBHOOK_PATH}`, options.signedParams ?? params));
  return {
    method: "POST",
    path: WEBHOOK_PATH,
    rawBody: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature ? { "x-twilio-signature": signature } : {}) },
  };
}

/** A fresh fictional +1 555 number. */
export function freshNumber(): string {
  return `+1555${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

/** Twilio's inbound parameters for one SMS. */
export function inboundSms(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return { MessageSid: `SM${randomBytes(16).toString("hex")}`, AccountSid: FAKE_ACCOUNT_SID, From: from, To: TWILIO_NUMBER, Body: body, NumMedia: "0", NumSegments: "1", ...extra };
}
