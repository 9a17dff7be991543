import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { created, route } from "@/lib/http/route";
import { call } from "@/tests/helpers/http";
import { logLines } from "@/tests/helpers/logs";

const echo = route(
  { auth: "public", body: z.object({ name: z.string().min(1), count: z.number().int().optional() }), query: z.object({ flag: z.enum(["a", "b"]).optional() }), maxBodyBytes: 1024 },
  async ({ input }) => created({ name: input.body.name, flag: input.query.flag ?? null }),
);

const explode = route({ auth: "public" }, async () => {
  throw new Error("database password is hunter2");
});

const refuse = route({ auth: "public" }, async () => {
  throw new AppError("conflict", "Already there", { extra: { current: { id: "x" } } });
});

const privateRoute = route({ auth: "user" }, async () => ({ secret: true }));

function expectProblem(result: { status: number; headers: Headers; body: any }, status: number) {
  expect(result.status).toBe(status);
  expect(result.headers.get("content-type")).toBe("application/problem+json");
  expect(result.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), requestId: expect.any(String) });
  expect(result.headers.get("x-request-id")).toBe(result.body.requestId);
}

describe("route wrapper", () => {
  it("parses, validates and answers with the caller's request id", async () => {
    const result = await call(echo, { body: { name: "Ada" }, query: { flag: "a" }, headers: { "x-request-id": "req-123" } });
    expect(result.status).toBe(201);
    expect(result.body).toEqual({ name: "Ada", flag: "a" });
    expect(result.headers.get("x-request-id")).toBe("req-123");
  });

  it("answers malformed JSON with 400 problem+json, logged with the request id", async () => {
    const result = await call(echo, { rawBody: '{"name": "Ada",', headers: { "content-type": "application/json", "x-request-id": "bad-json-1" } });
    expectProblem(result, 400);
    expect(result.body.detail).toMatch(/not valid JSON/);
    const line = logLines().find((entry) => entry.requestId === "bad-json-1");
    expect(line).toMatchObject({ status: 400, code: "bad_request", msg: "request refused" });
  });

  it("answers an oversized body with 413, by Content-Length and while streaming", async () => {
    const big = JSON.stringify({ name: "x".repeat(5000) });
    const declared = await call(echo, { rawBody: big, headers: { "content-type": "application/json", "x-request-id": "big-1" } });
    expectProblem(declared, 413);
    expect(logLines().find((entry) => entry.requestId === "big-1")).toMatchObject({ status: 413 });

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(200)));
        controller.close();
      },
    });
    const req = new Request("http://hub.test/api/test", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    const res = await echo(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(413);
  });

  it("answers a wrong content type with 415, logged with the request id", async () => {
    const result = await call(echo, { rawBody: "name=Ada", headers: { "content-type": "text/plain", "x-request-id": "ctype-1" } });
    expectProblem(result, 415);
    expect(result.body.detail).toMatch(/application\/json/);
    expect(logLines().find((entry) => entry.requestId === "ctype-1")).toMatchObject({ status: 415 });
  });

  it("answers invalid UTF-8 with 400", async () => {
    const result = await call(echo, { rawBody: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { "content-type": "application/json" } });
    expectProblem(result, 400);
    expect(result.body.detail).toMatch(/UTF-8/);
  });

  it("answers a failed validation with 422 and one error per field", async () => {
    const result = await call(echo, { body: { name: "", count: "three" }, query: { flag: "z" } });
    expectProblem(result, 422);
    expect(result.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "query.flag" }),
      ]),
    );
    const body = await call(echo, { body: { name: "", count: "three" } });
    expect(body.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.count", "body.name"]);
  });

  it("hides an unexpected error behind a generic 500 and logs it at error", async () => {
    const result = await call(explode, { headers: { "x-request-id": "boom-1" } });
    expectProblem(result, 500);
    expect(result.text).not.toContain("hunter2");
    expect(result.body.detail).toContain("boom-1");
    expect(logLines().find((entry) => entry.requestId === "boom-1" && entry.level === 50)).toBeTruthy();
  });

  it("carries extra members of an AppError into the problem", async () => {
    const result = await call(refuse);
    expectProblem(result, 409);
    expect(result.body.current).toEqual({ id: "x" });
  });

  it("answers a protected route without credentials with 401", async () => {
    const result = await call(privateRoute);
    expectProblem(result, 401);
    expect(result.headers.get("www-authenticate")).toMatch(/Bearer/);
  });
});
