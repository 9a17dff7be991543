import nodemailer, { type Transporter } from "nodemailer";
import { getConfig } from "@/lib/config/env";
import type { Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { devMailbox } from "@/lib/db/schema/notifications";

export type Email = {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Sent as List-Unsubscribe with List-Unsubscribe-Post, so mail clients offer one-click unsubscribe (RFC 8058). */
  unsubscribeUrl?: string;
};

let transport: { url: string; transporter: Transporter } | undefined;

function transporterFor(url: string): Transporter {
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

/**
 * Sends one email over SMTP_URL, or stores it in the dev mailbox when no SMTP
 * server is configured. The Message-ID is derived from the delivery, so a
 * resend after a crash is recognisably the same email (and the dev mailbox
 * keeps it once). Makes network calls: never call it inside a transaction.
 */
export async function sendEmail(db: Queryable, email: Email): Promise<"smtp" | "mailbox"> {
  const config = getConfig();
  if (config.SMTP_URL) {
    await transporterFor(config.SMTP_URL).sendMail({
      from: config.EMAIL_FROM,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      ...(email.unsubscribeUrl ? { list: { unsubscribe: email.unsubscribeUrl }, headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
    });
    return "smtp";
  }
  await db
    .insert(devMailbox)
    .values({ id: newId("mbx"), messageId: email.messageId, to: email.to, subject: email.subject, text: email.text, html: email.html })
    .onConflictDoNothing();
  return "mailbox";
}

/** For text placed in the hub's own small HTML (emails, the unsubscribe page). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The notification email: plain text and HTML with the same content, and the per-type unsubscribe link. */
export function renderNotificationEmail(input: { title: string; body: string; link: string | null; unsubscribeLink: string; typeLabel: string }): { subject: string; text: string; html: string } {
  const text = [input.title, "", input.body, ...(input.link ? ["", `Open: ${input.link}`] : []), "", "—", `You get this email for "${input.typeLabel}". Unsubscribe: ${input.unsubscribeLink}`].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<h2 style="font-size:18px">${escapeHtml(input.title)}</h2>
<p>${escapeHtml(input.body).replace(/\n/g, "<br>")}</p>
${input.link ? `<p><a href="${escapeHtml(input.link)}">Open in Message Hub</a></p>` : ""}
<hr><p style="font-size:12px;color:#666">You get this email for “${escapeHtml(input.typeLabel)}”. <a href="${escapeHtml(input.unsubscribeLink)}">Unsubscribe</a></p>
</body></html>`;
  return { subject: input.title, text, html };
}
