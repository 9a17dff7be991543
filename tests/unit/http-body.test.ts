import { describe, expect, it } from "vitest";
import { BufferedRequest, readBody, TextResponse } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";

const request = (body: string, contentType = "application/json") =>
  new BufferedRequest("http://hub.test/api/v1/messages", { method: "POST", headers: new Headers({ "content-type": contentType }) }, Buffer.from(body, "utf8") as Buffer<ArrayBuffer>);

describe("BufferedRequest", () => {
  it("is a Request whose body reads once, by whichever means", async () => {
    const json = request('{"type":"sms","body":"héllo"}');
    expect(json).toBeInstanceOf(Request);
    expect(json.bodyUsed).toBe(false);
    expect(await json.json()).toEqual({ type: "sms", body: "héllo" });
    expect(json.bodyUsed).toBe(true);
    await expect(json.text()).rejects.toThrow(TypeError);

    expect(await request("héllo").text()).toBe("héllo");
    expect(Buffer.from(await request("héllo").arrayBuffer()).toString("utf8")).toBe("héllo");
    expect(Buffer.from(await request("héllo").bytes()).toString("utf8")).toBe("héllo");
    expect(await (await request("héllo", "text/plain").blob()).text()).toBe("héllo");
    const form = await request("from=%2B1555&content=hi+there", "application/x-www-form-urlencoded").formData();
    expect(Object.fromEntries(form)).toEqual({ from: "+1555", content: "hi there" });
  });

  it("decodes text and JSON as any Request does: a byte-order mark dropped, bad bytes replaced", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"body":"a'), Buffer.from([0xff]), Buffer.from('b"}')]) as Buffer<ArrayBuffer>;
    const buffered = () => new BufferedRequest("http://hub.test/x", { method: "POST", headers: new Headers() }, bytes);
    const plain = () => new Request("http://hub.test/x", { method: "POST", body: bytes });
    expect(await buffered().text()).toBe(await plain().text());
    expect(await buffered().json()).toEqual(await plain().json());
    expect(await buffered().json()).toEqual({ body: "a\ufffdb" });
  });

  it("streams its bytes to a caller that asks for the body", async () => {
    const stream = request("héllo").body;
    expect(await new Response(stream).text()).toBe("héllo");
  });

  it("clones into a request that reads on its own", async () => {
    const original = request('{"n":1}');
    const copy = original.clone();
    expect(copy.headers.get("content-type")).toBe("application/json");
    expect(await copy.json()).toEqual({ n: 1 });
    expect(await original.json()).toEqual({ n: 1 });
    expect(() => original.clone()).toThrow(TypeError);
  });

  it("hands its buffer to readBody, which still enforces the limit", async () => {
    expect((await readBody(request("12345"), 5)).toString()).toBe("12345");
    await expect(readBody(request("123456"), 5)).rejects.toMatchObject({ code: "payload_too_large" } satisfies Partial<AppError>);
  });
});

describe("TextResponse", () => {
  const response = () => new TextResponse('{"ok":"é"}', { status: 201, headers: { "content-type": "application/json" } });

  it("is a Response whose text reads once, by whichever means", async () => {
    const first = response();
    expect(first).toBeInstanceOf(Response);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ ok: "é" });
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    expect(await response().text()).toBe('{"ok":"é"}');
    expect(Buffer.from(await response().arrayBuffer()).toString("utf8")).toBe('{"ok":"é"}');
    expect(Buffer.from(await response().bytes()).toString("utf8")).toBe('{"ok":"é"}');
    expect(await (await response().blob()).text()).toBe('{"ok":"é"}');
  });

  it("streams its UTF-8 bytes, and clones with its status and every header", async () => {
    expect(await new Response(response().body).text()).toBe('{"ok":"é"}');
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/");
    const original = new TextResponse('{"ok":"é"}', { status: 201, statusText: "Created", headers });
    const copy = original.clone();
    expect(copy.status).toBe(201);
    expect(copy.statusText).toBe("Created");
    expect(copy.headers.get("content-type")).toBe("application/json");
    expect(copy.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await copy.json()).toEqual({ ok: "é" });
    expect(await original.text()).toBe('{"ok":"é"}');
  });

  it("reads a body given as chunks as their concatenation, by whichever means, once", async () => {
    const chunked = () => new TextResponse(['{"ok":', '"é', '"}'], { status: 200, headers: { "content-type": "application/json" } });
    expect(await chunked().json()).toEqual({ ok: "é" });
    expect(await chunked().text()).toBe('{"ok":"é"}');
    expect(await new Response(chunked().body).text()).toBe('{"ok":"é"}');
    expect(await chunked().clone().text()).toBe('{"ok":"é"}');
    const once = chunked();
    expect(once.takeChunks()).toEqual(['{"ok":', '"é', '"}']);
    await expect(once.text()).rejects.toThrow(TypeError);
  });

  it("reads a form body as form data", async () => {
    const form = await new TextResponse("a=1&b=two", { status: 200, headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
    expect(Object.fromEntries(form)).toEqual({ a: "1", b: "two" });
  });
});
