import { randomBytes } from "node:crypto";
import { desc } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { smsOutbox } from "@/lib/db/schema/sms";
import { getLogger } from "@/lib/log/logger";
import type { SmsProvider } from "@/lib/sms/provider";
import { validateTwilioSignature } from "@/lib/sms/signature";

/**
 * The development provider: nothing leaves the machine. Each SMS goes to the
 * sms_outbox table, which admins read (GET /api/v1/admin/sms-outbox and the
 * SMS analytics page), so verification works without an account. The log
 * line carries the recipient only; a body may be a code.
 */
export const consoleProvider: SmsProvider = {
  name: "console",
  async send(db, { to, body }) {
    const id = newId("sms");
    await db.insert(smsOutbox).values({ id, to, body });
    getLogger().info({ to, outboxId: id }, "sms written to the console outbox");
    return { sid: `SMconsole${randomBytes(12).toString("hex")}`, price: null };
  },
  // Inbound SMS still come from Twilio when the console provider sends.
  validateInbound: validateTwilioSignature,
  async fetchPrice() {
    return null;
  },
};

export async function listOutbox(db: Database, limit = 100): Promise<Array<{ to: string; body: string; createdAt: Date }>> {
  return db.select({ to: smsOutbox.to, body: smsOutbox.body, createdAt: smsOutbox.createdAt }).from(smsOutbox).orderBy(desc(smsOutbox.createdAt), desc(smsOutbox.id)).limit(limit);
}
