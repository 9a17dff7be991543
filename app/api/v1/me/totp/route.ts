import { startTotpEnrolment, totpStatus } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Whether two-factor sign-in is on, pending confirmation, and how many backup codes are left. */
export const GET = route({ auth: "user", sessionOnly: true }, async ({ actor }) => totpStatus(getDb(), actor.userId));

/**
 * Starts enrolment: returns the otpauth:// URI, a QR code of it as a data
 * URL, and the secret for typing in by hand. Not enforced until confirmed.
 */
export const POST = route({ auth: "user", sessionOnly: true }, async ({ actor }) => startTotpEnrolment(getDb(), actor.userId));
