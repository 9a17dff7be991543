import { z } from "zod";
import { AUDIT_ACTIONS } from "@/lib/audit/actions";
import { pageQuerySchema } from "@/lib/http/pagination";

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const auditQuerySchema = pageQuerySchema.extend({
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** A user id: what that user did. */
  actor: z.string().min(1).max(64).optional(),
  since: instant.optional(),
  until: instant.optional(),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEventSchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actor: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;
