import { desc } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { devMailbox } from "@/lib/db/schema/notifications";

export type MailboxEntry = { id: string; messageId: string; to: string; subject: string; text: string; html: string; createdAt: string };

/** The newest emails in the dev mailbox (admins only: it holds every user's mail). */
export async function listMailbox(db: Queryable, limit: number): Promise<MailboxEntry[]> {
  const rows = await db.select().from(devMailbox).orderBy(desc(devMailbox.createdAt), desc(devMailbox.id)).limit(limit);
  return rows.map((row) => ({ id: row.id, messageId: row.messageId, to: row.to, subject: row.subject, text: row.text, html: row.html, createdAt: row.createdAt.toISOString() }));
}
