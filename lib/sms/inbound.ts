import { and, eq, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { devices } from "@/lib/db/schema/inbox";
import { smsUsage } from "@/lib/db/schema/sms";
import { getLimiter } from "@/lib/http/rate-limit";
import { getLogger } from "@/lib/log/logger";
import { ingestMessages } from "@/lib/messages/ingest";
import { messageInputSchema } from "@/lib/messages/schemas";
import { ownerOfVerified } from "@/lib/sms/numbers";
import { toE164 } from "@/lib/sms/phone";
import { recordUsage } from "@/lib/sms/usage";

/**
 * Routes one inbound Twilio SMS whose signature has already been checked:
 * dedupe on MessageSid, find the owner of the verified From number, store
 * the message in their inbox through ingestMessages (so it syncs, notifies
 * and fires webhooks like any other), and log usage. Returns the TwiML reply.
 */
export type InboundResult = { outcome: "routed" | "unknown_sender" | "duplicate"; twiml: string; messageId?: string };

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export function twimlMessage(text: string): string {
  const escaped = text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

export async function routeInboundSms(db: Database, params: Record<string, string>, started: number): Promise<InboundResult> {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const from = toE164(params.From ?? "") ?? (params.From ?? "").slice(0, 32);
  const to = toE164(params.To ?? "") ?? (params.To ?? "").slice(0, 32);
  const body = params.Body ?? "";

  if (sid) {
    const [seen] = await db.select({ id: smsUsage.id }).from(smsUsage).where(and(eq(smsUsage.direction, "inbound"), eq(smsUsage.messageSid, sid)));
    if (seen) return { outcome: "duplicate", twiml: EMPTY };
  }

  const userId = from ? await ownerOfVerified(db, from) : null;
  if (!userId) {
    const logged = await recordUsage(db, { userId: null, direction: "inbound", number: from || "unknown", messageSid: sid || null, kind: "message", body, latencyMs: elapsedMs(started), outcome: "unknown_sender" });
    if (!logged) return { outcome: "duplicate", twiml: EMPTY };
    const guidance = await mayGuide(from);
    if (guidance) {
      // The reply itself is an outbound SMS Twilio bills; log it as such.
      await recordUsage(db, { userId: null, direction: "outbound", number: from || "unknown", kind: "guidance", body: guidance, outcome: "sent" });
    }
    getLogger().info({ from, sid, guided: !!guidance }, "inbound sms from an unknown sender");
    return { outcome: "unknown_sender", twiml: guidance ? twimlMessage(guidance) : EMPTY };
  }

  const deviceId = await twilioDeviceFor(db, userId, to);
  const media = mediaOf(params);
  const input = messageInputSchema.parse({
    externalId: sid || undefined,
    type: media.length > 0 ? "mms" : "sms",
    sender: from,
    recipient: to || undefined,
    body,
    receivedAt: Date.now(),
    threadKey: from,
    attachments: media,
    metadata: { provider: "twilio", ...(params.FromCountry ? { fromCountry: params.FromCountry.slice(0, 8) } : {}) },
  });
  const [outcome] = await ingestMessages(db, { userId, deviceId, source: "twilio" }, [input]);
  const logged = await recordUsage(db, { userId, direction: "inbound", number: from, messageSid: sid || null, kind: "message", body, latencyMs: elapsedMs(started), outcome: "routed" });
  if (!logged || outcome!.status === "duplicate") return { outcome: "duplicate", twiml: EMPTY, messageId: outcome!.message.id };
  return { outcome: "routed", twiml: EMPTY, messageId: outcome!.message.id };
}

/** Twilio's media list as attachment references (the URLs stay at Twilio). */
function mediaOf(params: Record<string, string>): Array<{ contentType: string; url: string }> {
  const count = Math.min(Number.parseInt(params.NumMedia ?? "0", 10) || 0, 10);
  const media = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (url && /^https?:\/\//.test(url)) media.push({ contentType: params[`MediaContentType${i}`] ?? "application/octet-stream", url });
  }
  return media;
}

/**
 * The guidance text, when this number has not had its share this hour. A
 * reply loop (an auto-responder texting back) therefore gets one reply, not
 * one per message.
 */
async function mayGuide(from: string): Promise<string | null> {
  const config = getConfig();
  if (config.SMS_GUIDANCE_PER_HOUR === 0 || !config.SMS_GUIDANCE_TEXT.trim()) return null;
  try {
    await getLimiter("sms-guidance", { points: config.SMS_GUIDANCE_PER_HOUR, duration: 3600 }).consume(from || "unknown");
    return config.SMS_GUIDANCE_TEXT;
  } catch {
    return null;
  }
}

/**
 * The per-user device row that stands for a Twilio number, created on first
 * use. A transaction-scoped advisory lock keeps two first messages from
 * creating two rows.
 */
async function twilioDeviceFor(db: Database, userId: string, twilioNumber: string): Promise<string> {
  const number = twilioNumber || "twilio";
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`twilio-device:${userId}:${number}`}))`);
    const [existing] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.userId, userId), eq(devices.platform, "twilio"), eq(devices.phoneNumber, number), sql`${devices.revokedAt} is null`));
    if (existing) return existing.id;
    const id = newId("dev");
    await tx.insert(devices).values({ id, userId, name: `Twilio ${number}`, platform: "twilio", phoneNumber: number });
    return id;
  });
}

function elapsedMs(started: number): number {
  return Math.round(performance.now() - started);
}
