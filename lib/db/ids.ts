import { randomFillSync } from "node:crypto";

/**
 * Prefixed, time-ordered ids (`msg_01j…`), so a log line says what an id is
 * and ids sort roughly by creation. 48 bits of milliseconds, 80 random bits,
 * Crockford base32.
 */
export type IdPrefix =
  | "usr"
  | "key"
  | "dev"
  | "msg"
  | "room"
  | "rmsg"
  | "redit"
  | "task"
  | "ntf"
  | "whk"
  | "dlv"
  | "evt"
  | "pn"
  | "inv"
  | "aud"
  | "tag"
  | "rem"
  | "sms"
  | "view"
  | "push"
  | "oau"
  | "bkc"
  | "rtn"
  | "ndl"
  | "mbx"
  | "smsu";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const bytes = new Uint8Array(16);
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(randomBits(), 6);
  return `${prefix}_${encode(bytes)}`;
}

// Random bytes drawn from the CSPRNG 4 KB at a time: one system call per
// ~400 ids instead of one per id, which a busy ingest path notices.
const pool = new Uint8Array(4096);
let used = pool.length;

function randomBits(): Uint8Array {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 10;
  return pool.subarray(used - 10, used);
}
