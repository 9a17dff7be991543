import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { type NextAuthOptions } from "next-auth";

/**
 * Runs next-auth for a Web Request and returns a Web Response.
 *
 * next-auth v4's App Router entry reads the request through `next/headers`,
 * which exists only inside Next's own request scope. Its API-route entry
 * takes plain request and response objects instead, so the auth route can
 * be called like every other handler: by Next, and directly by tests. This
 * adapter supplies the few members of those objects that next-auth uses.
 */
export async function runNextAuth(req: Request, segments: string[], body: Record<string, string> | undefined, options: NextAuthOptions): Promise<Response> {
  const url = new URL(req.url);
  const headers = new Headers();
  let status = 200;
  let payload: string | null = null;

  const res = {
    status(code: number) {
      status = code;
      return res;
    },
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.delete(name);
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, String(item));
      return res;
    },
    getHeader(name: string) {
      return name.toLowerCase() === "set-cookie" ? headers.getSetCookie() : (headers.get(name) ?? undefined);
    },
    end() {
      return res;
    },
    json(data: unknown) {
      headers.set("content-type", "application/json");
      payload = JSON.stringify(data);
      return res;
    },
    send(data: unknown) {
      if (typeof data === "string") {
        payload = data;
      } else if (data !== undefined && data !== null) {
        if (!headers.has("content-type")) headers.set("content-type", "application/json");
        payload = JSON.stringify(data);
      }
      return res;
    },
  };

  const request = {
    method: req.method,
    query: { ...Object.fromEntries(url.searchParams), nextauth: segments },
    body: body ?? {},
    cookies: parseCookies(req.headers.get("cookie")),
    headers: Object.fromEntries(req.headers),
  };
  await NextAuth(request as unknown as NextApiRequest, res as unknown as NextApiResponse, options);
  headers.set("cache-control", "no-store");
  return new Response(status === 204 || status === 304 ? null : payload, { status, headers });
}

function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index === -1) continue;
    const name = part.slice(0, index).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      out[name] = part.slice(index + 1).trim();
    }
  }
  return out;
}
