/**
 * "Text is data": messages are stored as sent, except for what a database or
 * a terminal must never receive. Control characters go (newline and tab
 * stay), so do lone UTF-16 surrogates, which JSON allows but UTF-8 cannot
 * encode (Postgres would refuse the row).
 */
// C0 controls except \t (09) and \n (0a), DEL, and the C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function cleanText(value: string): string {
  return value.replace(LONE_SURROGATE, "\ufffd").replace(CONTROL, "");
}

/** Cleans every string (keys included) inside a JSON value. Callers bound its depth first. */
export function cleanJson(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[cleanText(key)] = cleanJson(inner);
    return out;
  }
  return value;
}

/**
 * Depth and node count of a JSON value, walked without recursion so a
 * hostile, deeply nested document cannot exhaust the stack. Stops early
 * once either bound is passed.
 */
export function jsonShapeWithin(value: unknown, limits: { depth: number; nodes: number }): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (++nodes > limits.nodes || depth > limits.depth) return false;
    if (current && typeof current === "object") {
      for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
    }
  }
  return true;
}

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** A short single-line preview for lists (never a full body in a log or a list). */
export function preview(body: string, length = 140): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
