import { z } from "zod";
import { toE164 } from "@/lib/sms/phone";

/** The shapes the SMS router's API reads and writes. */
export const e164Schema = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .transform((raw, ctx) => {
    const number = toE164(raw);
    if (!number) {
      ctx.addIssue({ code: "custom", message: "must be a phone number with its country code, such as +15551234567" });
      return z.NEVER;
    }
    return number;
  })
  .meta({ description: "A phone number with its country code; stored as E.164.", examples: ["+15551234567"] });

export const addPhoneNumberSchema = z.object({ phoneNumber: e164Schema });
export const verifyPhoneNumberSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "must be the 6-digit code") });
export const phoneNumberParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const sendSmsSchema = z.object({
  to: e164Schema,
  body: z.string().min(1, "is empty").max(1600, "must be at most 1600 characters (10 segments)"),
});

/** Twilio posts every field as a string; MediaUrlN and friends vary, so the record is open. */
export const twilioInboundSchema = z.record(z.string().max(100), z.string().max(20_000));

const day = z.iso.date().meta({ description: "YYYY-MM-DD (UTC)" });
export const smsAnalyticsQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    groupBy: z.enum(["day", "user"]).default("day"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

export type PhoneNumberView = { id: string; phoneNumber: string; verified: boolean; verifiedAt: string | null; codeExpiresAt: string | null; createdAt: string };
