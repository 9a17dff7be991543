import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as smsgate } from "@/app/api/v1/ingest/smsgate/route";
import { POST as smsforwarder } from "@/app/api/v1/ingest/smsforwarder/route";
import { POST as smsToUrl } from "@/app/api/v1/ingest/sms-to-url/route";
import { POST as generic } from "@/app/api/v1/ingest/generic/route";
import { PATCH as patchDevice } from "@/app/api/v1/devices/[id]/route";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { countStored, makeDevice } from "@/tests/helpers/inbox";

const hex = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("hex");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What SMSGate sends for an incoming SMS. */
function smsgateBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    deviceId: "ffffffffceb0b1db0000018e937c815b",
    event: "sms:received",
    id: "Ey6ECgOkVVFjz3CL48B8C",
    payload: { messageId: "abc123", message: "Android is always a sweet treat!", phoneNumber: "6505551212", simNumber: 1, receivedAt: "2024-06-22T15:46:11.000+07:00", ...overrides },
    webhookId: "LreFUt-Z3sSq0JufY9uWB",
  });
}

function smsgateHeaders(secret: string, body: string, timestamp = nowSeconds()): Record<string, string> {
  return { "content-type": "application/json", "x-timestamp": String(timestamp), "x-signature": hex(secret, body + timestamp) };
}

/** SmsForwarder's sign: URL-encoded base64(HMAC-SHA256(secret, timestamp + "\n" + secret)). */
function smsforwarderSign(secret: string, timestamp: number): string {
  return encodeURIComponent(createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64"));
}

/** The app's default form: from=[from]&content=[content]&timestamp=[timestamp]&sign=[sign], each value form-encoded. */
function smsforwarderForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM = { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" };

describe("forwarder apps: /api/v1/ingest/*", () => {
  describe("SMSGate", () => {
    it("accepts a correctly signed sms:received webhook with ?key= and maps its fields", async () => {
      const alice = await makeUser();
      const secret = "smsgate-signing-key-1";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const body = smsgateBody();
      const result = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders(secret, body) });
      expect(result.status).toBe(201);
      expect(result.body.message).toMatchObject({
        type: "sms",
        sender: "6505551212",
        body: "Android is always a sweet treat!",
        simSlot: 1,
        receivedAt: "2024-06-22T08:46:11.000Z",
        source: "smsgate",
        deviceId: phone.id,
        metadata: { smsgate: { messageId: "abc123", eventId: "Ey6ECgOkVVFjz3CL48B8C" } },
      });
      // A retry (re-signed with a new timestamp, as the app does) is the stored message.
      const retry = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders(secret, body, nowSeconds() + 5) });
      expect(retry.status).toBe(200);
      expect(retry.body.message.id).toBe(result.body.message.id);
      expect(await countStored(alice.user.id)).toBe(1);
    });

    it("refuses a wrong, missing or stale signature with 403 and stores nothing", async () => {
      const alice = await makeUser();
      const secret = "smsgate-signing-key-2";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const body = smsgateBody();
      const wrong = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders("another-secret", body) });
      expect(wrong.status).toBe(403);
      const tampered = await call(smsgate, { query: { key: phone.key }, rawBody: body.replace("sweet", "sour"), headers: smsgateHeaders(secret, body) });
      expect(tampered.status).toBe(403);
      const unsigned = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json" } });
      expect(unsigned.status).toBe(403);
      const stale = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders(secret, body, nowSeconds() - 2 * 3600) });
      expect(stale.status).toBe(403);
      expect(stale.body.detail).toMatch(/clock/);
      const future = await call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders(secret, body, nowSeconds() + 2 * 3600) });
      expect(future.status).toBe(403);
      expect(await countStored(alice.user.id)).toBe(0);
    });

    it("accepts unsigned requests for a device without a signing secret, and acknowledges other events without storing", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice);
      const ping = JSON.stringify({ event: "system:ping", payload: { health: { status: "pass" } }, deviceId: "d" });
      const pinged = await call(smsgate, { key: phone.key, rawBody: ping, headers: { "content-type": "application/json" } });
      expect(pinged.status).toBe(200);
      expect(pinged.body).toEqual({ status: "ignored", event: "system:ping" });
      expect(await countStored(alice.user.id)).toBe(0);
      const received = await call(smsgate, { key: phone.key, rawBody: smsgateBody(), headers: { "content-type": "application/json" } });
      expect(received.status).toBe(201);
      const broken = await call(smsgate, { key: phone.key, rawBody: smsgateBody({ phoneNumber: undefined, receivedAt: "yesterday" }), headers: { "content-type": "application/json" } });
      expect(broken.status).toBe(422);
      expect(broken.body.errors.map((e: any) => e.path).sort()).toEqual(["body.payload.phoneNumber", "body.payload.receivedAt"]);
      expect(await countStored(alice.user.id)).toBe(1);
    });

    it("stores one message for 50 parallel deliveries of the same webhook", async () => {
      const alice = await makeUser();
      const secret = "smsgate-signing-key-3";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const body = smsgateBody({ message: "race" });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(smsgate, { query: { key: phone.key }, rawBody: body, headers: smsgateHeaders(secret, body, nowSeconds() - (i % 5)) })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(await countStored(alice.user.id)).toBe(1);
    });
  });

  describe("SmsForwarder", () => {
    it("accepts the app's signed form post, the sign double-encoded as the app sends it", async () => {
      const alice = await makeUser();
      const secret = "SEC-forwarder+/=secret";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const timestamp = Date.now();
      const form = smsforwarderForm({ from: "10086", content: "Your balance is 42.00\nThanks", timestamp: String(timestamp), sign: smsforwarderSign(secret, timestamp) });
      const result = await call(smsforwarder, { query: { key: phone.key }, rawBody: form, headers: FORM });
      expect(result.status).toBe(201);
      expect(result.body.message).toMatchObject({ sender: "10086", body: "Your balance is 42.00\nThanks", type: "sms", source: "smsforwarder", receivedAt: new Date(timestamp).toISOString() });
      // The app's own HTTP retry repeats the request byte for byte.
      const retry = await call(smsforwarder, { query: { key: phone.key }, rawBody: form, headers: FORM });
      expect(retry.status).toBe(200);
      expect(retry.body.message.id).toBe(result.body.message.id);
      // A sign sent raw (not pre-encoded) is accepted too.
      const rawSign = createHmac("sha256", secret).update(`${timestamp + 1}\n${secret}`).digest("base64");
      const raw = await call(smsforwarder, { query: { key: phone.key }, rawBody: smsforwarderForm({ from: "10086", content: "second", timestamp: String(timestamp + 1), sign: rawSign }), headers: FORM });
      expect(raw.status).toBe(201);
      expect(await countStored(alice.user.id)).toBe(2);
    });

    it("uses org_content, receive_time and card_slot from a custom template, so a resend from the app dedupes", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice);
      const fields = { from: "+8613800138000", content: "[template] hello", org_content: "hello", receive_time: "2026-02-03 04:05:06", card_slot: "SIM2_China Mobile", device_mark: "Pixel" };
      const first = await call(smsforwarder, { key: phone.key, rawBody: smsforwarderForm({ ...fields, timestamp: String(Date.now()) }), headers: FORM });
      expect(first.status).toBe(201);
      expect(first.body.message).toMatchObject({ body: "hello", receivedAt: "2026-02-03T04:05:06.000Z", simSlot: 2, metadata: { smsforwarder: { cardSlot: "SIM2_China Mobile", deviceMark: "Pixel" } } });
      const resend = await call(smsforwarder, { key: phone.key, rawBody: smsforwarderForm({ ...fields, timestamp: String(Date.now() + 60_000) }), headers: FORM });
      expect(resend.status).toBe(200);
      expect(await countStored(alice.user.id)).toBe(1);
    });

    it("refuses a wrong sign, a missing one and a timestamp outside the window, storing nothing", async () => {
      const alice = await makeUser();
      const secret = "forwarder-secret-2";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const timestamp = Date.now();
      const wrong = await call(smsforwarder, { query: { key: phone.key }, rawBody: smsforwarderForm({ from: "1", content: "x", timestamp: String(timestamp), sign: smsforwarderSign("nope-nope-nope", timestamp) }), headers: FORM });
      expect(wrong.status).toBe(403);
      const missing = await call(smsforwarder, { query: { key: phone.key }, rawBody: smsforwarderForm({ from: "1", content: "x", timestamp: String(timestamp) }), headers: FORM });
      expect(missing.status).toBe(403);
      const old = timestamp - 2 * 3600 * 1000;
      const stale = await call(smsforwarder, { query: { key: phone.key }, rawBody: smsforwarderForm({ from: "1", content: "x", timestamp: String(old), sign: smsforwarderSign(secret, old) }), headers: FORM });
      expect(stale.status).toBe(403);
      // A sign made for one timestamp does not cover another.
      const moved = await call(smsforwarder, { query: { key: phone.key }, rawBody: smsforwarderForm({ from: "1", content: "x", timestamp: String(timestamp + 1), sign: smsforwarderSign(secret, timestamp) }), headers: FORM });
      expect(moved.status).toBe(403);
      expect(await countStored(alice.user.id)).toBe(0);
    });

    it("stores one message for 50 parallel identical posts", async () => {
      const alice = await makeUser();
      const secret = "forwarder-secret-3";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const timestamp = Date.now();
      const form = smsforwarderForm({ from: "95588", content: "race", timestamp: String(timestamp), sign: smsforwarderSign(secret, timestamp) });
      const results = await Promise.all(Array.from({ length: 50 }, () => call(smsforwarder, { query: { key: phone.key }, rawBody: form, headers: FORM })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(await countStored(alice.user.id)).toBe(1);
    });
  });

  describe("SMS to URL forwarder", () => {
    /** The app's default template, filled in as the app fills it. */
    const template = (from: string, text: string, sent: number, received: number, sim = "sim2") => `{\n  "from":"${from}",\n  "text":"${text}",\n  "sentStamp":${sent},\n  "receivedStamp":${received},\n  "sim":"${sim}"\n}`;

    it("accepts the default template, signed with X-Signature when the device has a secret", async () => {
      const alice = await makeUser();
      const secret = "sms-to-url-secret";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const body = template("+15557654321", "Meet at 5", 1768556698000, 1768556699123);
      const result = await call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json; charset=utf-8", "x-signature": hex(secret, body) } });
      expect(result.status).toBe(201);
      expect(result.body.message).toMatchObject({ sender: "+15557654321", body: "Meet at 5", sentAt: new Date(1768556698000).toISOString(), receivedAt: new Date(1768556699123).toISOString(), simSlot: 2, source: "sms-to-url" });
      const retry = await call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json; charset=utf-8", "x-signature": hex(secret, body) } });
      expect(retry.status).toBe(200);
      expect(await countStored(alice.user.id)).toBe(1);
    });

    it("refuses a wrong or missing signature with 403 and stores nothing", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice, { signingSecret: "sms-to-url-secret" });
      const body = template("+1", "x", 1768556698000, 1768556699000);
      expect((await call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json", "x-signature": hex("wrong-secret", body) } })).status).toBe(403);
      expect((await call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json" } })).status).toBe(403);
      expect((await call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json", "x-signature": "zz" } })).status).toBe(403);
      expect(await countStored(alice.user.id)).toBe(0);
    });

    it("stores one message for 50 parallel retries", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice);
      const body = template("+1555", "race", 1768556698000, 1768556699000);
      const results = await Promise.all(Array.from({ length: 50 }, () => call(smsToUrl, { query: { key: phone.key }, rawBody: body, headers: { "content-type": "application/json" } })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(await countStored(alice.user.id)).toBe(1);
    });
  });

  describe("generic", () => {
    it("accepts common field names, in JSON or a form, and ?type=", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice);
      const json = await call(generic, { key: phone.key, body: { sender: "Slack", message: "Deploy finished", timestamp: 1768556698, id: 77, app: "com.slack" }, query: { type: "notification" } });
      expect(json.status).toBe(201);
      expect(json.body.message).toMatchObject({ type: "notification", sender: "Slack", body: "Deploy finished", receivedAt: new Date(1768556698000).toISOString(), externalId: "77", app: "com.slack" });
      const form = await call(generic, { key: phone.key, rawBody: "from=%2B1555&text=hi+there&receivedAt=2026-01-02T03%3A04%3A05%2B02%3A00", headers: FORM });
      expect(form.status).toBe(201);
      expect(form.body.message).toMatchObject({ sender: "+1555", body: "hi there", receivedAt: "2026-01-02T01:04:05.000Z", type: "sms" });
      const missing = await call(generic, { key: phone.key, body: { text: "who?" } });
      expect(missing.status).toBe(422);
      expect(missing.body.errors[0].path).toBe("body.from");
      expect(await countStored(alice.user.id)).toBe(2);
    });

    it("verifies X-Signature over body + X-Timestamp when the device has a secret", async () => {
      const alice = await makeUser();
      const secret = "generic-secret-1";
      const phone = await makeDevice(alice, { signingSecret: secret });
      const body = JSON.stringify({ from: "+1", body: "signed", receivedAt: "2026-01-02T03:04:05Z" });
      const ts = nowSeconds();
      const ok = await call(generic, { key: phone.key, rawBody: body, headers: { "content-type": "application/json", "x-timestamp": String(ts), "x-signature": `sha256=${hex(secret, body + ts)}` } });
      expect(ok.status).toBe(201);
      const wrong = await call(generic, { key: phone.key, rawBody: body.replace("signed", "forged"), headers: { "content-type": "application/json", "x-timestamp": String(ts), "x-signature": hex(secret, body + ts) } });
      expect(wrong.status).toBe(403);
      const staleTs = ts - 7200;
      const stale = await call(generic, { key: phone.key, rawBody: body.replace("signed", "old"), headers: { "content-type": "application/json", "x-timestamp": String(staleTs), "x-signature": hex(secret, body.replace("signed", "old") + staleTs) } });
      expect(stale.status).toBe(403);
      expect(await countStored(alice.user.id)).toBe(1);
    });

    it("stores one message for 50 parallel identical posts", async () => {
      const alice = await makeUser();
      const phone = await makeDevice(alice);
      const body = { from: "+1", text: "race", timestamp: "2026-01-02T03:04:05Z" };
      const results = await Promise.all(Array.from({ length: 50 }, () => call(generic, { key: phone.key, body })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(await countStored(alice.user.id)).toBe(1);
    });
  });

  it("takes only a live device key: a user's key is 403, a revoked device's key 401", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const body = { from: "+1", text: "x", timestamp: 1768556698000 };
    expect((await call(generic, { key: alice.key, body })).status).toBe(403);
    expect((await call(generic, { query: { key: "mh_notakey" }, body })).status).toBe(401);
    expect((await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { revoked: true } })).status).toBe(200);
    expect((await call(generic, { query: { key: phone.key }, body })).status).toBe(401);
    expect(await countStored(alice.user.id)).toBe(0);
  });

  it("starts verifying as soon as a signing secret is set, and stops when it is cleared", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const body = JSON.stringify({ from: "+1", text: "a", timestamp: 1768556698000 });
    expect((await call(generic, { key: phone.key, rawBody: body, headers: { "content-type": "application/json" } })).status).toBe(201);
    await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { signingSecret: "now-signed-123" } });
    const body2 = body.replace('"a"', '"b"');
    expect((await call(generic, { key: phone.key, rawBody: body2, headers: { "content-type": "application/json" } })).status).toBe(403);
    await call(patchDevice, { method: "PATCH", key: alice.key, params: { id: phone.id }, body: { signingSecret: null } });
    expect((await call(generic, { key: phone.key, rawBody: body2, headers: { "content-type": "application/json" } })).status).toBe(201);
  });
});
