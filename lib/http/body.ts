import { AppError } from "@/lib/http/errors";

export type BodyKind = "json" | "form" | "json-or-form";

/**
 * Reads a request body into memory, refusing more than `limit` bytes before
 * reading them (by Content-Length) or while reading them (chunked bodies).
 */
export async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes`);
  }
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The client went away mid-body: its problem, not a server error.
      throw new AppError("bad_request", "The request body did not arrive completely", { cause: error });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8");
  }
}

export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Parses a raw body of the accepted kind into a plain value for zod. */
export function parseBody(req: Request, raw: Buffer, kind: BodyKind): unknown {
  const type = mediaType(req);
  const isJson = type === "application/json" || type.endsWith("+json");
  const isForm = type === "application/x-www-form-urlencoded";
  const acceptsJson = kind === "json" || kind === "json-or-form";
  const acceptsForm = kind === "form" || kind === "json-or-form";
  if (isJson && acceptsJson) {
    const text = decodeUtf8(raw);
    if (text.trim() === "") throw new AppError("bad_request", "The request body is empty; send a JSON document");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new AppError("bad_request", `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (isForm && acceptsForm) {
    const text = decodeUtf8(raw);
    const params = new URLSearchParams(text);
    const out: Record<string, string> = {};
    for (const [key, value] of params) out[key] = value;
    return out;
  }
  const accepted = kind === "json" ? "application/json" : kind === "form" ? "application/x-www-form-urlencoded" : "application/json or application/x-www-form-urlencoded";
  throw new AppError("unsupported_media_type", `Send the body as ${accepted}${type ? `, not ${type}` : ""}`);
}
