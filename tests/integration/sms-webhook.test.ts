import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhook } from "@/app/api/v1/webhooks/twilio/sms/route";
import { POST as addNumber } from "@/app/api/v1/phone-numbers/route";
import { POST as verifyNumber } from "@/app/api/v1/phone-numbers/[id]/verify/route";
import { GET as threads } from "@/app/api/v1/messages/threads/route";
import { GET as analytics } from "@/app/api/v1/analytics/sms/route";
import { GET as listDevices } from "@/app/api/v1/devices/route";
import { setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { smsUsage } from "@/lib/db/schema/sms";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { countStored } from "@/tests/helpers/inbox";
import { freshNumber, inboundSms, PUBLIC_URL, startFakeTwilio, twilioRequest, useFakeTwilio, WEBHOOK_PATH, type FakeTwilio } from "@/tests/helpers/fake-twilio";

/**
 * The inbound webhook: signatures made with twilio's own function, routing by
 * the verified From number, guidance for strangers, dedupe, and the usage
 * log and analytics that follow from it.
 */
let fake: FakeTwilio;
let saved: Config;
beforeAll(async () => {
  fake = await startFakeTwilio();
  saved = useFakeTwilio(fake);
});
afterAll(async () => {
  setConfig(saved);
  await fake.close();
});

async function userWithNumber(): Promise<{ user: TestUser; number: string }> {
  const user = await makeUser();
  const number = freshNumber();
  const added = await call(addNumber, { key: user.key, body: { phoneNumber: number } });
  await call(verifyNumber, { key: user.key, params: { id: added.body.phoneNumber.id }, body: { code: fake.codeFor(number) } });
  return { user, number };
}

async function inboundUsage(from: string) {
  return getDb().select().from(smsUsage).where(and(eq(smsUsage.number, from), eq(smsUsage.direction, "inbound")));
}

describe("Twilio signature", () => {
  it("accepts a request signed over PUBLIC_URL + path, whatever the Host header says", async () => {
    const { user, number } = await userWithNumber();
    // call() sends to http://hub.test; only the configured public URL is signed.
    const res = await call(webhook, twilioRequest(inboundSms(number, "signed and sound")));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await countStored(user.user.id)).toBe(1);
  });

  it("answers 403 and stores nothing for one changed parameter, a wrong URL, a Host-based URL, or no header", async () => {
    const { user, number } = await userWithNumber();
    const params = inboundSms(number, "tampered");
    const cases = [
      twilioRequest({ ...params, Body: "tampered!" }, { signedParams: params }),
      twilioRequest(params, { signedUrl: `${PUBLIC_URL}/api/v1/webhooks/twilio/other` }),
      twilioRequest(params, { signedUrl: `http://hub.test${WEBHOOK_PATH}` }),
      twilioRequest(params, { signature: null }),
      twilioRequest(params, { signature: "bm90IGEgc2lnbmF0dXJl" }),
    ];
    for (const request of cases) {
      const res = await call(webhook, request);
      expect(res.status).toBe(403);
    }
    expect(await countStored(user.user.id)).toBe(0);
    const usage = await inboundUsage(number);
    expect(usage.map((row) => [row.outcome, row.userId, row.messageSid])).toEqual(cases.map(() => ["invalid_signature", null, null]));
    // The same request, correctly signed, still goes through afterwards.
    expect((await call(webhook, twilioRequest(params))).status).toBe(200);
    expect(await countStored(user.user.id)).toBe(1);
  });
});

describe("inbound routing", () => {
  it("routes each SMS to the owner of the verified From number among several users", async () => {
    const [a, b, c] = [await userWithNumber(), await userWithNumber(), await userWithNumber()];
    await call(webhook, twilioRequest(inboundSms(b.number, "for b")));
    await call(webhook, twilioRequest(inboundSms(a.number, "for a")));
    // Twilio sends From in E.164; a national form still normalises.
    await call(webhook, twilioRequest(inboundSms(b.number, "b again", { To: "+1 (555) 000-9999" })));
    const bodies = async (u: TestUser) =>
      (await getDb().select().from(messages).where(and(eq(messages.userId, u.user.id), isNull(messages.deletedAt)))).map((m) => m.body).sort();
    expect(await bodies(a.user)).toEqual(["for a"]);
    expect(await bodies(b.user)).toEqual(["b again", "for b"]);
    expect(await bodies(c.user)).toEqual([]);

    const stored = await getDb().select().from(messages).where(eq(messages.userId, b.user.user.id));
    expect(stored.every((m) => m.type === "sms" && m.source === "twilio" && m.sender === b.number && m.recipient === "+15550009999")).toBe(true);
    // One device row stands for the Twilio number, created on first use and reused.
    expect(new Set(stored.map((m) => m.deviceId)).size).toBe(1);
    const devices = await call(listDevices, { key: b.user.key });
    expect(devices.body.data).toEqual([expect.objectContaining({ id: stored[0]!.deviceId, name: "Twilio +15550009999", platform: "twilio", phoneNumber: "+15550009999", messageCount: 2 })]);
    // The conversation groups by the counterpart number, with unread counts.
    const list = await call(threads, { key: b.user.key });
    expect(list.body.data).toEqual([expect.objectContaining({ key: b.number, messageCount: 2, unreadCount: 2 })]);
  });

  it("keeps media as attachment references and stores an MMS", async () => {
    const { user, number } = await userWithNumber();
    const params = inboundSms(number, "photo", {
      NumMedia: "2",
      MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1",
      MediaContentType0: "image/jpeg",
      MediaUrl1: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME2",
      MediaContentType1: "image/png",
    });
    expect((await call(webhook, twilioRequest(params))).status).toBe(200);
    const [stored] = await getDb().select().from(messages).where(eq(messages.userId, user.user.id));
    expect(stored).toMatchObject({ type: "mms", externalId: params.MessageSid });
    expect(stored!.attachments).toEqual([
      { contentType: "image/jpeg", url: params.MediaUrl0 },
      { contentType: "image/png", url: params.MediaUrl1 },
    ]);
  });

  it("dedupes a retried MessageSid: one message, one usage row", async () => {
    const { user, number } = await userWithNumber();
    const params = inboundSms(number, "sent twice");
    const first = await call(webhook, twilioRequest(params));
    const retry = await call(webhook, twilioRequest(params));
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.text).toBe(first.text);
    expect(await countStored(user.user.id)).toBe(1);
    expect((await inboundUsage(number)).map((row) => row.outcome)).toEqual(["routed"]);
    // Concurrent retries too.
    const again = inboundSms(number, "raced");
    await Promise.all([call(webhook, twilioRequest(again)), call(webhook, twilioRequest(again)), call(webhook, twilioRequest(again))]);
    expect(await countStored(user.user.id)).toBe(2);
    expect((await inboundUsage(number)).length).toBe(2);
  });

  it("guides an unknown or unverified sender once an hour per number, and stores nothing", async () => {
    const stranger = freshNumber();
    const first = await call(webhook, twilioRequest(inboundSms(stranger, "hello?")));
    expect(first.status).toBe(200);
    expect(first.text).toContain("<Message>This number does not recognise you.");
    const second = await call(webhook, twilioRequest(inboundSms(stranger, "hello??")));
    expect(second.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    // Another stranger gets their own reply.
    expect((await call(webhook, twilioRequest(inboundSms(freshNumber(), "hi")))).text).toContain("<Message>");
    expect((await inboundUsage(stranger)).map((row) => [row.outcome, row.userId])).toEqual([
      ["unknown_sender", null],
      ["unknown_sender", null],
    ]);
    const replies = await getDb().select().from(smsUsage).where(and(eq(smsUsage.number, stranger), eq(smsUsage.direction, "outbound")));
    expect(replies.map((row) => row.kind)).toEqual(["guidance"]);

    // A number someone added but has not verified is unknown too, and the text is configurable (and escaped).
    const pending = await makeUser();
    const number = freshNumber();
    await call(addNumber, { key: pending.key, body: { phoneNumber: number } });
    setConfig({ ...saved, ...useFakeTwilio(fake), SMS_GUIDANCE_TEXT: "Verify <here> & retry" });
    try {
      const res = await call(webhook, twilioRequest(inboundSms(number, "me")));
      expect(res.text).toContain("<Message>Verify &lt;here&gt; &amp; retry</Message>");
      expect(await countStored(pending.user.id)).toBe(0);
    } finally {
      useFakeTwilio(fake);
    }
  });
});

describe("SMS analytics", () => {
  it("adds up counts, segments and cost across day and user groupings; members see only themselves", async () => {
    const admin = await makeUser({ role: "admin" });
    const a = await userWithNumber();
    const b = await userWithNumber();
    // Bodies with known segment counts: 160 GSM (1), 161 GSM (2), € counts two septets, emoji forces UCS-2.
    await call(webhook, twilioRequest(inboundSms(a.number, "x".repeat(160))));
    await call(webhook, twilioRequest(inboundSms(a.number, "x".repeat(161))));
    await call(webhook, twilioRequest(inboundSms(b.number, "€".repeat(81))));
    await call(webhook, twilioRequest(inboundSms(b.number, "👍".repeat(36))));
    await call(webhook, twilioRequest(inboundSms(b.number, "ç".repeat(70))));

    const mine = await call(analytics, { key: a.user.key, query: { groupBy: "user" } });
    expect(mine.status).toBe(200);
    // a: one verification code out (1 segment, Twilio's 0.0079) and 3 segments in at the US rate 0.0083.
    expect(mine.body.totals).toMatchObject({ count: 3, inbound: 2, outbound: 1, segments: 4, errorRate: 0 });
    expect(mine.body.totals.cost).toBeCloseTo(0.0079 + 3 * 0.0083, 9);
    expect(mine.body.groups).toEqual([expect.objectContaining({ key: a.user.user.id, count: 3, segments: 4 })]);
    expect(mine.body.totals.latencyP50Ms).toEqual(expect.any(Number));
    expect(mine.body.totals.latencyP95Ms).toBeGreaterThanOrEqual(mine.body.totals.latencyP50Ms);

    const theirs = await call(analytics, { key: b.user.key, query: { groupBy: "day" } });
    // b: code (1) + 2 (81 euros = 162 septets) + 2 (36 emoji = 72 units) + 1 (70 UCS-2).
    expect(theirs.body.totals).toMatchObject({ count: 4, segments: 6 });

    // The admin's totals span the whole database, where other files send SMS
    // at the same time: the two groupings are compared from a pair of reads
    // that no write came between (a few tries at most).
    const readBoth = async () => [await call(analytics, { key: admin.key, query: { groupBy: "user" } }), await call(analytics, { key: admin.key, query: { groupBy: "day" } })] as const;
    let [byUser, byDay] = await readBoth();
    for (let attempt = 0; attempt < 5 && JSON.stringify(byDay.body.totals) !== JSON.stringify(byUser.body.totals); attempt++) [byUser, byDay] = await readBoth();
    for (const report of [byUser.body, byDay.body]) {
      const sum = (field: string) => report.groups.reduce((total: number, group: any) => total + group[field], 0);
      expect(sum("count")).toBe(report.totals.count);
      expect(sum("segments")).toBe(report.totals.segments);
      expect(Math.abs(sum("cost") - report.totals.cost)).toBeLessThan(1e-6);
    }
    expect(byDay.body.totals).toEqual(byUser.body.totals);
    const groupA = byUser.body.groups.find((g: any) => g.key === a.user.user.id);
    expect(groupA).toMatchObject({ count: 3, segments: 4, cost: mine.body.totals.cost, email: a.user.user.email });
    expect(byUser.body.totals.count).toBeGreaterThanOrEqual(7);

    // A range before any traffic is empty; a bad range is a 422.
    const empty = await call(analytics, { key: admin.key, query: { from: "2020-01-01", to: "2020-01-31" } });
    expect(empty.body.totals).toMatchObject({ count: 0, cost: 0, latencyP50Ms: null });
    expect((await call(analytics, { key: admin.key, query: { from: "2020-02-01", to: "2020-01-01" } })).status).toBe(422);
  });
});
