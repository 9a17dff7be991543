/**
 * An id the browser gives something before the hub has seen it (a message
 * being sent, a task being created, a queued edit), so a retry can name the
 * same thing. 128 random bits; getRandomValues also works on plain-http LAN
 * origins, where crypto.randomUUID is missing.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
