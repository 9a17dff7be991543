import twilio from "twilio";
import { getConfig } from "@/lib/config/env";
import type { InboundCheck } from "@/lib/sms/provider";

/**
 * Twilio signs each webhook with the account's auth token over the URL it
 * called and the posted parameters. That URL is the hub's public one: behind
 * a proxy the Host header says something else, so it is never used. Without
 * an auth token nothing can be verified, so nothing is accepted.
 */
export function validateTwilioSignature({ url, params, signature }: InboundCheck): boolean {
  const token = getConfig().TWILIO_AUTH_TOKEN;
  if (!token || !signature) return false;
  return twilio.validateRequest(token, signature, url, params);
}
