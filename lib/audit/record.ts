import type { Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { auditLog } from "@/lib/db/schema/audit";
import { currentContext } from "@/lib/log/context";
import type { AuditAction, AuditTargetType } from "@/lib/audit/actions";

export type AuditEntry = {
  action: AuditAction;
  /** The user who acted, or null when nobody is known (a failed sign-in). */
  actorId: string | null;
  target?: { type: AuditTargetType; id: string | null };
  /** Non-secret details only: never a password, key, code, token or secret. */
  metadata?: Record<string, unknown>;
  /** Override what the request context says (code outside the route wrapper). */
  ip?: string;
  userAgent?: string;
  requestId?: string;
};

/**
 * Appends one row to the audit log. Pass the transaction that makes the
 * change, so the record exists exactly when the change committed. The IP,
 * user agent and request id come from the request context that the route
 * wrapper (and the next-auth route) sets, unless the caller gives them.
 */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  const context = currentContext();
  await db.insert(auditLog).values({
    id: newId("aud"),
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.ip ?? context?.ip ?? null,
    userAgent: truncate(entry.userAgent ?? context?.userAgent),
    requestId: entry.requestId ?? context?.requestId ?? null,
    metadata: entry.metadata ?? {},
  });
}

/** A user agent is client-controlled; cap what we keep of it. */
function truncate(value: string | undefined): string | null {
  if (!value) return null;
  return value.length > 512 ? value.slice(0, 512) : value;
}
