/**
 * Every action the audit log records. A closed list, so the admin page can
 * offer it as a filter and a typo in a caller is a type error.
 */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "auth.sessions_revoked",
  "auth.oauth_linked",
  "api_key.created",
  "api_key.rotated",
  "api_key.revoked",
  "user.created",
  "user.profile_updated",
  "user.password_changed",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "totp.enrolment_started",
  "totp.enabled",
  "totp.disabled",
  "totp.backup_codes_regenerated",
  "totp.backup_code_used",
  "invite.created",
  "invite.revoked",
  "invite.accepted",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditTargetType = "user" | "api_key" | "invite" | "oauth_account";
