import { AppError } from "@/lib/http/errors";

export type BodyKind = "json" | "form" | "json-or-form";

/** A one-chunk web stream, made only for a caller that asks for `body`; reading it uses the body up. */
function streamOnce(take: () => Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      controller.enqueue(take());
      controller.close();
    },
  });
}

/** A copy of exactly these bytes, as an ArrayBuffer of their own (a Buffer may be a view into a shared pool). */
function ownArrayBuffer(bytes: Buffer<ArrayBuffer>): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/**
 * A Fetch Request whose body the server has already read into memory
 * (server/api-router.ts reads small bodies whole). Handing the buffer to the
 * Request constructor would wrap it in a web stream only for readBody to
 * read it back out, which cost about three times as much as the rest of
 * building the Request. This one keeps the buffer: readBody takes it as is,
 * and every other way of reading a Request (text, json, arrayBuffer, bytes,
 * blob, formData, body, clone) still works, once, as on any Request.
 */
export class BufferedRequest extends Request {
  #buffer: Buffer<ArrayBuffer>;
  #used = false;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;

  constructor(url: string, init: { method: string; headers: Headers }, buffer: Buffer<ArrayBuffer>) {
    super(url, init);
    this.#buffer = buffer;
  }

  /** The body's bytes, once. */
  take(): Buffer<ArrayBuffer> {
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
    this.#used = true;
    return this.#buffer;
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#stream ??= streamOnce(() => this.take());
    return this.#stream;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return ownArrayBuffer(this.take());
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(ownArrayBuffer(this.take()));
  }

  override async text(): Promise<string> {
    // As Request.text() decodes: a leading byte-order mark dropped, bad bytes replaced.
    return new TextDecoder().decode(this.take());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.take()], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    return new Response(this.take(), { headers: { "content-type": this.headers.get("content-type") ?? "" } }).formData();
  }

  override clone(): BufferedRequest {
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
    return new BufferedRequest(this.url, { method: this.method, headers: new Headers(this.headers) }, this.#buffer);
  }
}

/**
 * Reads a request body into memory, refusing more than `limit` bytes before
 * reading them (by Content-Length) or while reading them (chunked bodies).
 */
export async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes`);
  }
  if (req instanceof BufferedRequest) {
    const buffer = req.take();
    if (buffer.byteLength > limit) throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes`);
    return buffer;
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

/**
 * A Fetch Response whose body is a string the route already has (every JSON
 * answer), or a list of strings that make it up in order. Like
 * BufferedRequest, it skips the web stream a string body would be wrapped
 * in: server/api-router.ts writes the text straight to the socket
 * (takeChunks), and any other reader (the tests, Next) reads it as from any
 * Response, once.
 *
 * A large answer comes as chunks so that no step of writing it needs one
 * string or buffer of the whole size: V8 puts a string over 128 KB in its
 * large-object space, on pages of its own that the kernel must map and zero
 * on first touch, and each such allocation cost about 0.9 ms on a 2-core VM
 * (bench/README, inbox). A sync page of 500 messages is about 260 KB.
 */
export class TextResponse extends Response {
  #chunks: string[];
  #used = false;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;

  constructor(text: string | string[], init: { status: number; statusText?: string; headers: HeadersInit }) {
    super(null, init);
    this.#chunks = typeof text === "string" ? [text] : text;
  }

  /** The body's chunks, whose concatenation is the text, once. */
  takeChunks(): string[] {
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
    this.#used = true;
    return this.#chunks;
  }

  /** The body's text, once. */
  takeText(): string {
    const chunks = this.takeChunks();
    return chunks.length === 1 ? chunks[0]! : chunks.join("");
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#stream ??= streamOnce(() => Buffer.from(this.takeText(), "utf8") as Buffer<ArrayBuffer>);
    return this.#stream;
  }

  override async text(): Promise<string> {
    return this.takeText();
  }

  override async json(): Promise<unknown> {
    return JSON.parse(this.takeText());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return ownArrayBuffer(Buffer.from(this.takeText(), "utf8") as Buffer<ArrayBuffer>);
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async formData(): Promise<FormData> {
    return new Response(this.takeText(), { headers: this.headers }).formData();
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.takeText()], { type: this.headers.get("content-type") ?? "" });
  }

  override clone(): TextResponse {
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
    return new TextResponse(this.#chunks, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) });
  }
}
