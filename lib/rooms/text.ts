import { AppError } from "@/lib/http/errors";

/**
 * Text is data: stored as sent, minus control characters. Tab, line feed and
 * carriage return stay (people paste logs); the rest of C0, DEL and C1 go,
 * because they corrupt terminals, logs and CSV exports and mean nothing in chat.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function stripControl(text: string): string {
  return text.replace(CONTROL, "");
}

/** Strips control characters from every string inside a JSON value (keys included). */
export function stripControlDeep(value: unknown): unknown {
  if (typeof value === "string") return stripControl(value);
  if (Array.isArray(value)) return value.map(stripControlDeep);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [stripControl(key), stripControlDeep(inner)]));
  }
  return value;
}

export const TEXT_LIMIT_BYTES = 10 * 1024;
export const DATA_LIMIT_BYTES = 100 * 1024;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** A 413 that says which limit, how big the thing was, and what to do. */
export function assertWithin(what: string, bytes: number, limit: number): void {
  if (bytes > limit) {
    throw new AppError("payload_too_large", `${what} is ${bytes} bytes; the limit is ${limit} bytes (${limit / 1024} KB). Split it into several messages or attach it as a file reference.`, {
      extra: { limitBytes: limit, actualBytes: bytes },
    });
  }
}

/**
 * `@handle` tokens in a message. A handle is a member's user id or their name
 * with spaces and punctuation removed ("Ana María" → @anamaría), compared
 * case-insensitively. An @ inside a word (an email address) is not a mention.
 */
const MENTION = /(?<![\p{L}\p{N}_@.])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})/gu;

export function mentionTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const match of text.matchAll(MENTION)) tokens.add(match[1]!.replace(/[._-]+$/u, "").toLowerCase());
  return [...tokens].filter(Boolean);
}

/** The handle people type to mention a member. */
export function handleFor(name: string): string {
  return name
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._-]/gu, "")
    .replace(/[._-]+$/u, "");
}

/** The member ids a message mentions, in the order of first mention. */
export function resolveMentions(text: string, members: Array<{ userId: string; name: string }>): string[] {
  const tokens = mentionTokens(text);
  if (tokens.length === 0) return [];
  const found: string[] = [];
  for (const token of tokens) {
    for (const member of members) {
      if ((member.userId.toLowerCase() === token || handleFor(member.name) === token) && !found.includes(member.userId)) found.push(member.userId);
    }
  }
  return found;
}

/**
 * Reactions are one emoji (with its modifiers, ZWJ sequences and flags) or a
 * :shortcode:. Anything else would let a reaction carry arbitrary text.
 */
const EMOJI = /^(?:[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u200d\ufe0f\u20e3#*0-9])+$/u;
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const SHORTCODE = /^:[a-z0-9_+-]{1,40}:$/;

export function isEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 40) return false;
  if (SHORTCODE.test(value)) return true;
  return EMOJI.test(value) && (PICTOGRAPH.test(value) || value.includes("\u20e3"));
}
