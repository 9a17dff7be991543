import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listMailbox } from "@/lib/notifications/mailbox";
import { mailboxQuerySchema } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

/** The dev mailbox: email the hub would have sent, when SMTP_URL is not set. Newest first. */
export const GET = route({ auth: "admin", query: mailboxQuerySchema }, async ({ input }) => ({ data: await listMailbox(getDb(), input.query.limit) }));
