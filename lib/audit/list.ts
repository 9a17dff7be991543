import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { users } from "@/lib/db/schema/users";
import { toPage, type Page } from "@/lib/http/pagination";
import type { AuditAction } from "@/lib/audit/actions";
import type { AuditEvent, AuditQuery } from "@/lib/audit/schemas";

/** The audit log for the admin page, newest first, filtered by action, actor and time. */
export async function listAuditEvents(db: Queryable, query: AuditQuery): Promise<Page<AuditEvent>> {
  const rows = await db
    .select({ event: auditLog, actorEmail: users.email, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        query.cursor ? lt(auditLog.id, query.cursor) : undefined,
        query.action ? eq(auditLog.action, query.action) : undefined,
        query.actor ? eq(auditLog.actorId, query.actor) : undefined,
        query.since ? gte(auditLog.createdAt, query.since) : undefined,
        query.until ? lte(auditLog.createdAt, query.until) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  return toPage(
    rows.map((row) => ({ ...row, id: row.event.id })),
    query.limit,
    ({ event, actorEmail, actorName }): AuditEvent => ({
      id: event.id,
      action: event.action as AuditAction,
      actor: event.actorId ? { id: event.actorId, email: actorEmail, name: actorName } : null,
      target: event.targetType ? { type: event.targetType, id: event.targetId } : null,
      ip: event.ip,
      userAgent: event.userAgent,
      requestId: event.requestId,
      metadata: event.metadata as Record<string, unknown>,
      createdAt: event.createdAt.toISOString(),
    }),
  );
}
