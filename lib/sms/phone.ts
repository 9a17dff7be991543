import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * E.164 for a number as a person types it or as Twilio sends it. Numbers
 * without a country code are read as `defaultCountry`. Returns null for
 * something that is not a possible phone number.
 */
export function toE164(raw: string, defaultCountry?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** The ISO country of an E.164 number, for the rate table; null when unknown. */
export function countryOf(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  // Fictional and unassigned ranges (+1 555…) have no single country; the main one of the calling code prices them.
  return parsed ? (parsed.country ?? parsed.getPossibleCountries()[0] ?? null) : null;
}
