import { z } from "zod";
import type { ApiOperation } from "@/lib/http/openapi";
import { addPhoneNumberSchema, phoneNumberParamsSchema, sendSmsSchema, smsAnalyticsQuerySchema, twilioInboundSchema, verifyPhoneNumberSchema } from "@/lib/sms/schemas";

const phoneNumberSchema = z.object({ id: z.string(), phoneNumber: z.string(), verified: z.boolean(), verifiedAt: z.string().nullable(), codeExpiresAt: z.string().nullable(), createdAt: z.string() });
const phoneNumberResponse = z.object({ phoneNumber: phoneNumberSchema });
const tag = "SMS";

export const smsOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/webhooks/twilio/sms",
    tag,
    summary: "Twilio's inbound SMS webhook",
    description: "Checked with X-Twilio-Signature against PUBLIC_URL + path; a bad signature is a 403 and stores nothing. Answers TwiML. See docs/sms.md.",
    auth: "public",
    body: twilioInboundSchema,
    bodyContentTypes: ["application/x-www-form-urlencoded"],
    responses: { 200: { description: "TwiML: <Response/>, or guidance for an unknown sender", contentType: "text/xml" }, 403: { description: "Bad or missing signature" } },
  },
  { method: "get", path: "/api/v1/phone-numbers", tag, summary: "Your phone numbers", auth: "user", scopes: ["messages:read"], responses: { 200: { description: "Verified and pending numbers", schema: z.object({ data: z.array(phoneNumberSchema) }) } } },
  {
    method: "post",
    path: "/api/v1/phone-numbers",
    tag,
    summary: "Add a number and text it a 6-digit code",
    auth: "user",
    scopes: ["devices:write"],
    body: addPhoneNumberSchema,
    responses: { 201: { description: "The pending number", schema: phoneNumberResponse }, 409: { description: "Verified by another account" }, 429: { description: "A code was sent moments ago" } },
  },
  {
    method: "post",
    path: "/api/v1/phone-numbers/{id}/verify",
    tag,
    summary: "Verify a number with its code",
    auth: "user",
    scopes: ["devices:write"],
    params: phoneNumberParamsSchema,
    body: verifyPhoneNumberSchema,
    responses: { 200: { description: "The verified number", schema: phoneNumberResponse }, 410: { description: "The code expired" }, 422: { description: "Wrong code" }, 429: { description: "Too many attempts" } },
  },
  { method: "post", path: "/api/v1/phone-numbers/{id}/resend", tag, summary: "Send a new code", auth: "user", scopes: ["devices:write"], params: phoneNumberParamsSchema, responses: { 200: { description: "The number", schema: phoneNumberResponse } } },
  { method: "delete", path: "/api/v1/phone-numbers/{id}", tag, summary: "Remove a number", auth: "user", scopes: ["devices:write"], params: phoneNumberParamsSchema, responses: { 204: { description: "Removed" } } },
  {
    method: "post",
    path: "/api/v1/sms/send",
    tag,
    summary: "Send an SMS reply through the provider",
    description: "Rate-limited with test pushes per user, across their keys (RATE_LIMIT_SEND_PER_HOUR, default 60 an hour).",
    auth: "user",
    scopes: ["messages:write"],
    body: sendSmsSchema,
    responses: { 201: { description: "Sent", schema: z.object({ sid: z.string() }) }, 403: { description: "No verified number" }, 429: { description: "Too many sends" } },
  },
  { method: "get", path: "/api/v1/analytics/sms", tag, summary: "SMS counts, segments and cost by day or user", auth: "user", scopes: ["messages:read"], query: smsAnalyticsQuerySchema, responses: { 200: { description: "Totals, groups, top senders and failures" } } },
  {
    method: "get",
    path: "/api/v1/admin/sms-outbox",
    tag,
    summary: "What the console provider sent",
    auth: "admin",
    responses: { 200: { description: "Newest first", schema: z.object({ data: z.array(z.object({ to: z.string(), body: z.string(), createdAt: z.string() })) }) } },
  },
];
