import type { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { fieldErrors } from "@/lib/http/route";
import {
  genericSchema,
  messageInputSchema,
  smsforwarderSchema,
  smsgateReceivedPayloadSchema,
  smsgateWebhookSchema,
  smsToUrlSchema,
  type MessageInput,
  type MessageType,
} from "@/lib/messages/schemas";
import { fromEpochMs, parseTimestamp } from "@/lib/messages/timestamps";
import { assertFresh, hexMatches, hmac, refuse, sameBytes } from "@/lib/messages/forwarders/signatures";

/**
 * The Android forwarder apps the hub accepts unchanged, one parser each.
 * A parser checks the app's own signature (when the device has a signing
 * secret), then maps the app's fields onto a message. None of them carries
 * a unique message id, so retries dedupe on the fingerprint: sender, text
 * and a receive time that the app repeats on every retry.
 */
export const FORWARDER_FORMATS = ["smsgate", "smsforwarder", "sms-to-url", "generic"] as const;
export type ForwarderFormat = (typeof FORWARDER_FORMATS)[number];

export type ForwarderRequest<B> = {
  body: B;
  rawBody: Buffer;
  headers: Headers;
  /** What the app forwards (`?type=`, default sms). */
  type: MessageType;
  signingSecret: string | null;
  now: Date;
  windowSeconds: number;
};

export type ForwarderResult = { kind: "message"; input: MessageInput } | { kind: "ignored"; event: string };

/** Runs a mapped message through the same schema as POST /api/v1/messages (cleaning, limits). */
function toInput(raw: Record<string, unknown>): ForwarderResult {
  const parsed = messageInputSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== null)));
  if (!parsed.success) throw new AppError("validation_failed", "The forwarded message failed validation", { errors: fieldErrors(parsed.error, "body") });
  return { kind: "message", input: parsed.data };
}

function invalid(path: string, message: string): never {
  throw new AppError("validation_failed", "The forwarded message failed validation", { errors: [{ path, message, code: "custom" }] });
}

/** "SIM1", "sim2", "SIM1_Carrier_…", 1 → the slot number. */
function simSlotOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 16) return value;
  const match = typeof value === "string" ? /^\s*(?:sim)?\s*(\d{1,2})/i.exec(value) : null;
  const slot = match ? Number(match[1]) : NaN;
  return slot >= 0 && slot <= 16 ? slot : undefined;
}

/** Drops empty values so metadata holds only what the app sent. */
function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ""));
}

/**
 * SMSGate (capcom6/android-sms-gateway). Webhook events arrive as
 * {event, payload, id, webhookId, deviceId}. With a signing key set, the app
 * sends X-Timestamp (unix seconds) and X-Signature: hex HMAC-SHA256 over the
 * raw body followed by that timestamp, computed afresh on every retry.
 */
export function smsgate(request: ForwarderRequest<z.output<typeof smsgateWebhookSchema>>): ForwarderResult {
  if (request.signingSecret) {
    const timestamp = request.headers.get("x-timestamp")?.trim() ?? "";
    if (!/^\d{1,12}$/.test(timestamp)) refuse("X-Timestamp is missing; set the same signing key in the app and on the device");
    assertFresh(Number(timestamp) * 1000, request.now, request.windowSeconds);
    const expected = hmac(request.signingSecret, Buffer.concat([request.rawBody, Buffer.from(timestamp)]));
    if (!hexMatches(request.headers.get("x-signature"), expected)) refuse("X-Signature does not match this device's signing secret");
  }
  const { body } = request;
  if (body.event !== "sms:received") return { kind: "ignored", event: body.event };
  const parsed = smsgateReceivedPayloadSchema.safeParse(body.payload);
  if (!parsed.success) throw new AppError("validation_failed", "The sms:received payload failed validation", { errors: fieldErrors(parsed.error, "body.payload") });
  const payload = parsed.data;
  return toInput({
    type: request.type,
    sender: payload.phoneNumber,
    body: payload.message,
    receivedAt: payload.receivedAt.getTime(),
    simSlot: payload.simNumber ?? undefined,
    metadata: { smsgate: compact({ messageId: payload.messageId, eventId: body.id, webhookId: body.webhookId, deviceId: body.deviceId }) },
  });
}

/**
 * SmsForwarder (pppscn). Its webhook posts a form: from, content, timestamp
 * (epoch ms at sending) and, with a secret set, sign = URL-encoded
 * base64(HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`).
 * The app form-encodes that already URL-encoded value again, so after one
 * decoding it may still be percent-encoded. The signature covers only the
 * timestamp, so the window is what bounds a replay.
 */
export function smsforwarder(request: ForwarderRequest<z.output<typeof smsforwarderSchema>>): ForwarderResult {
  const { body } = request;
  const timestampMs = body.timestamp === undefined ? undefined : Number(body.timestamp);
  if (request.signingSecret) {
    if (timestampMs === undefined || !body.sign) refuse("timestamp and sign are missing; set the same secret in the app's webhook and on the device");
    assertFresh(timestampMs, request.now, request.windowSeconds);
    let presented = body.sign.trim();
    if (presented.includes("%")) {
      try {
        presented = decodeURIComponent(presented);
      } catch {
        refuse("sign is not valid URL encoding");
      }
    }
    // A raw base64 value that went through form decoding has lost its '+' to spaces.
    presented = presented.replaceAll(" ", "+");
    const expected = hmac(request.signingSecret, `${timestampMs}\n${request.signingSecret}`).toString("base64");
    if (!sameBytes(Buffer.from(presented), Buffer.from(expected))) refuse("sign does not match this device's signing secret");
  }
  // receive_time (a custom template field, UTC "yyyy-MM-dd HH:mm:ss") is the
  // SMS's own time and survives a resend from the app's log; timestamp is when
  // the app sent the request.
  let receivedAt: Date | null = null;
  if (body.receive_time) {
    const raw = body.receive_time.trim();
    receivedAt = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(raw) ? parseTimestamp(`${raw}Z`) : parseTimestamp(raw);
  }
  receivedAt ??= timestampMs !== undefined ? fromEpochMs(timestampMs) : request.now;
  if (!receivedAt) invalid("body.timestamp", "must be epoch milliseconds between 2000 and 2100");
  return toInput({
    type: request.type,
    sender: body.from,
    body: body.org_content ?? body.content,
    title: body.title,
    receivedAt: receivedAt.getTime(),
    simSlot: simSlotOf(body.card_slot),
    metadata: { smsforwarder: compact({ cardSlot: body.card_slot, deviceMark: body.device_mark, appVersion: body.app_version }) },
  });
}

/**
 * SMS to URL forwarder (bogkonstantin/android_income_sms_gateway_webhook),
 * default template {from, text, sentStamp, receivedStamp, sim}, stamps in
 * epoch ms. With "Sign with HMAC-SHA-256" on, X-Signature is the hex HMAC of
 * the raw body. The app sends no timestamp header, so there is no window to
 * check; a replay is a duplicate and stores nothing new.
 */
export function smsToUrl(request: ForwarderRequest<z.output<typeof smsToUrlSchema>>): ForwarderResult {
  if (request.signingSecret) {
    if (!hexMatches(request.headers.get("x-signature"), hmac(request.signingSecret, request.rawBody))) {
      refuse("X-Signature does not match this device's signing secret");
    }
  }
  const { body } = request;
  const receivedAt = parseTimestamp(body.receivedStamp);
  if (!receivedAt) invalid("body.receivedStamp", "must be epoch milliseconds");
  const sentAt = body.sentStamp === undefined || body.sentStamp === "" ? null : parseTimestamp(body.sentStamp);
  return toInput({
    type: request.type,
    sender: body.from,
    body: body.text,
    receivedAt: receivedAt.getTime(),
    sentAt: sentAt?.getTime(),
    simSlot: simSlotOf(body.sim),
    metadata: { smsToUrl: compact({ sim: body.sim === undefined ? undefined : String(body.sim) }) },
  });
}

/**
 * generic: JSON (or a form) with the field names most tools use. With a
 * signing secret, X-Timestamp (unix seconds) and X-Signature: hex HMAC-SHA256
 * over the raw body followed by the timestamp, the same scheme as SMSGate.
 */
export function generic(request: ForwarderRequest<z.output<typeof genericSchema>>): ForwarderResult {
  if (request.signingSecret) {
    const timestamp = request.headers.get("x-timestamp")?.trim() ?? "";
    if (!/^\d{1,12}$/.test(timestamp)) refuse("X-Timestamp is missing (unix seconds), and it is part of the signature");
    assertFresh(Number(timestamp) * 1000, request.now, request.windowSeconds);
    if (!hexMatches(request.headers.get("x-signature"), hmac(request.signingSecret, Buffer.concat([request.rawBody, Buffer.from(timestamp)])))) {
      refuse("X-Signature does not match this device's signing secret");
    }
  }
  const { body } = request;
  const sender = body.from ?? body.sender;
  if (!sender) invalid("body.from", "from or sender is required");
  const when = body.timestamp ?? body.receivedAt;
  let receivedAt: Date | null = request.now;
  if (when !== undefined && when !== "") {
    // Tools send seconds as often as milliseconds; a 10-digit value is seconds.
    const numeric = typeof when === "number" ? when : /^\d+(\.\d+)?$/.test(when.trim()) ? Number(when) : null;
    receivedAt = numeric !== null ? fromEpochMs(numeric < 1e11 ? numeric * 1000 : numeric) : parseTimestamp(when);
    if (!receivedAt) invalid(body.timestamp !== undefined ? "body.timestamp" : "body.receivedAt", "must be ISO 8601 with an offset, or epoch seconds or milliseconds");
  }
  const externalId = body.externalId ?? body.id ?? body.messageId;
  return toInput({
    externalId: externalId === undefined ? undefined : String(externalId),
    type: body.type ?? request.type,
    sender,
    recipient: body.to ?? body.recipient,
    body: body.text ?? body.body ?? body.message ?? body.content ?? "",
    title: body.title,
    app: body.app,
    receivedAt: receivedAt.getTime(),
    simSlot: simSlotOf(body.sim),
  });
}
