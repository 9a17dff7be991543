import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as listNumbers, POST as addNumber } from "@/app/api/v1/phone-numbers/route";
import { DELETE as deleteNumber } from "@/app/api/v1/phone-numbers/[id]/route";
import { POST as verifyNumber } from "@/app/api/v1/phone-numbers/[id]/verify/route";
import { POST as resendCode } from "@/app/api/v1/phone-numbers/[id]/resend/route";
import { POST as sendSms } from "@/app/api/v1/sms/send/route";
import { GET as outbox } from "@/app/api/v1/admin/sms-outbox/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { setConfig, type Config } from "@/lib/config/env";
import { resetLimiters } from "@/lib/http/rate-limit";
import { getDb } from "@/lib/db/client";
import { phoneNumbers, smsUsage } from "@/lib/db/schema/sms";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { rememberSecret } from "@/tests/helpers/logs";
import { freshNumber, startFakeTwilio, useFakeTwilio, type FakeTwilio } from "@/tests/helpers/fake-twilio";

/** Phone-number verification by SMS code, through the Twilio provider against a local fake Twilio. */
let fake: FakeTwilio;
let saved: Config;
beforeAll(async () => {
  fake = await startFakeTwilio();
  saved = useFakeTwilio(fake);
});
afterEach(() => fake.fail(false));
afterAll(async () => {
  setConfig(saved);
  await fake.close();
});

async function add(user: TestUser, phoneNumber: string) {
  return call(addNumber, { key: user.key, body: { phoneNumber } });
}

/** Lets the resend throttle pass without waiting a minute. */
async function ageCode(id: string, ms: number) {
  await getDb().update(phoneNumbers).set({ codeSentAt: new Date(Date.now() - ms) }).where(eq(phoneNumbers.id, id));
}

describe("phone numbers", () => {
  it("normalises the number, texts a 6-digit code through Twilio, and verifies with the right code", async () => {
    const alice = await makeUser();
    const number = freshNumber();
    const national = `(${number.slice(2, 5)}) ${number.slice(5, 8)}-${number.slice(8)}`;
    const added = await add(alice, `+1 ${national}`);
    expect(added.status).toBe(201);
    expect(added.body.phoneNumber).toMatchObject({ phoneNumber: number, verified: false, verifiedAt: null });
    expect(Date.parse(added.body.phoneNumber.codeExpiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(fake.sent.at(-1)).toMatchObject({ to: number, from: "+15550009999" });
    const code = fake.codeFor(number);
    expect(added.text).not.toContain(code);

    const verified = await call(verifyNumber, { key: alice.key, params: { id: added.body.phoneNumber.id }, body: { code } });
    expect(verified.status).toBe(200);
    expect(verified.body.phoneNumber).toMatchObject({ verified: true, codeExpiresAt: null });
    const list = await call(listNumbers, { key: alice.key });
    expect(list.body.data).toEqual([expect.objectContaining({ phoneNumber: number, verified: true })]);

    // The code SMS is logged as outbound usage, priced by Twilio's answer (the fake fills the price on fetch).
    const [usage] = await getDb().select().from(smsUsage).where(eq(smsUsage.number, number));
    expect(usage).toMatchObject({ userId: alice.user.id, direction: "outbound", kind: "verification", outcome: "sent", price: 0.0079, priceSource: "twilio", encoding: "GSM-7", segments: 1 });
  });

  it("refuses a wrong code, counts attempts, and locks after five", async () => {
    const alice = await makeUser();
    const number = freshNumber();
    const { body } = await add(alice, number);
    const code = fake.codeFor(number);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      const res = await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: wrong } });
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain(`${5 - i} attempt`);
    }
    expect((await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: wrong } })).status).toBe(422);
    // The sixth try is refused even with the right code.
    const locked = await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code } });
    expect(locked.status).toBe(429);
    expect(locked.body.detail).toMatch(/new code/);
    // A new code starts the attempts over.
    await ageCode(body.phoneNumber.id, 61_000);
    expect((await call(resendCode, { key: alice.key, params: { id: body.phoneNumber.id } })).status).toBe(200);
    const fresh = fake.codeFor(number);
    expect((await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: fresh } })).body.phoneNumber.verified).toBe(true);
    expect((await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: "12345" } })).status).toBe(422);
  });

  it("refuses an expired code with 410", async () => {
    const alice = await makeUser();
    const number = freshNumber();
    const { body } = await add(alice, number);
    await getDb().update(phoneNumbers).set({ codeExpiresAt: new Date(Date.now() - 1000) }).where(eq(phoneNumbers.id, body.phoneNumber.id));
    const res = await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: fake.codeFor(number) } });
    expect(res.status).toBe(410);
    expect((await call(listNumbers, { key: alice.key })).body.data[0].verified).toBe(false);
  });

  it("throttles resends: one a minute per number, five codes an hour per user", async () => {
    const alice = await makeUser();
    const number = freshNumber();
    const { body } = await add(alice, number);
    const before = fake.sent.length;
    const soon = await call(resendCode, { key: alice.key, params: { id: body.phoneNumber.id } });
    expect(soon.status).toBe(429);
    expect(Number(soon.headers.get("retry-after"))).toBeGreaterThan(50);
    // Re-adding the same pending number is a resend, under the same throttle.
    expect((await add(alice, number)).status).toBe(429);
    expect(fake.sent.length).toBe(before);
    for (let i = 2; i <= 5; i++) {
      await ageCode(body.phoneNumber.id, 61_000);
      expect((await call(resendCode, { key: alice.key, params: { id: body.phoneNumber.id } })).status).toBe(200);
    }
    await ageCode(body.phoneNumber.id, 61_000);
    const sixth = await call(resendCode, { key: alice.key, params: { id: body.phoneNumber.id } });
    expect(sixth.status).toBe(429);
    expect(sixth.body.detail).toContain("Too many verification codes");
    expect(fake.sent.length).toBe(before + 4);
  });

  it("refuses a number verified by someone else with a clear 409, and lets a change go through verification", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const number = freshNumber();
    // Both may have it pending; the first to verify wins.
    const mine = await add(alice, number);
    const aliceCode = fake.codeFor(number);
    const theirs = await add(bob, number);
    expect(theirs.status).toBe(201);
    const bobCode = fake.codeFor(number);
    expect((await call(verifyNumber, { key: alice.key, params: { id: mine.body.phoneNumber.id }, body: { code: aliceCode } })).status).toBe(200);
    const late = await call(verifyNumber, { key: bob.key, params: { id: theirs.body.phoneNumber.id }, body: { code: bobCode } });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("already verified by another account");
    const carol = await makeUser();
    const taken = await add(carol, number);
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain("already verified by another account");

    // A change: add the new number (the old keeps routing until the new one is verified), verify, remove the old.
    const next = freshNumber();
    const added = await add(alice, next);
    expect((await call(listNumbers, { key: alice.key })).body.data.map((n: any) => [n.phoneNumber, n.verified])).toEqual([[number, true], [next, false]]);
    await call(verifyNumber, { key: alice.key, params: { id: added.body.phoneNumber.id }, body: { code: fake.codeFor(next) } });
    expect((await call(deleteNumber, { method: "DELETE", key: alice.key, params: { id: mine.body.phoneNumber.id } })).status).toBe(204);
    expect((await call(listNumbers, { key: alice.key })).body.data.map((n: any) => n.phoneNumber)).toEqual([next]);
    // Now the old number is free for Carol.
    expect((await add(carol, number)).status).toBe(201);
  });

  it("validates numbers and keeps another user's number a 404", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const bad = await add(alice, "12");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("body.phoneNumber");
    const { body } = await add(alice, freshNumber());
    expect((await call(deleteNumber, { method: "DELETE", key: bob.key, params: { id: body.phoneNumber.id } })).status).toBe(404);
    expect((await call(verifyNumber, { key: bob.key, params: { id: body.phoneNumber.id }, body: { code: "123456" } })).status).toBe(404);
    expect((await call(listNumbers, { key: bob.key })).body.data).toEqual([]);
  });

  it("answers 503 and logs an error outcome when Twilio refuses the message", async () => {
    const alice = await makeUser();
    const number = freshNumber();
    fake.fail(true);
    const res = await add(alice, number);
    expect(res.status).toBe(503);
    const [usage] = await getDb().select().from(smsUsage).where(eq(smsUsage.number, number));
    expect(usage).toMatchObject({ outcome: "error", direction: "outbound", kind: "verification" });
  });

  it("sends a reply from a conversation only for a user with a verified number", async () => {
    const alice = await makeUser();
    const to = freshNumber();
    expect((await call(sendSms, { key: alice.key, body: { to, body: "hi" } })).status).toBe(403);
    const number = freshNumber();
    const { body } = await add(alice, number);
    await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code: fake.codeFor(number) } });
    const sent = await call(sendSms, { key: alice.key, body: { to, body: "On my way €" } });
    expect(sent.status).toBe(201);
    expect(fake.sent.at(-1)).toMatchObject({ sid: sent.body.sid, to, body: "On my way €" });
  });

  it("limits replies with their own budget, which leaves code checks alone", async () => {
    const before = useFakeTwilio(fake, { RATE_LIMIT_SEND_PER_HOUR: 2, RATE_LIMIT_AUTH_PER_15_MINUTES: 2 });
    resetLimiters();
    try {
      const alice = await makeUser();
      const first = freshNumber();
      const second = freshNumber();
      const one = (await add(alice, first)).body.phoneNumber;
      const two = (await add(alice, second)).body.phoneNumber;
      expect((await call(verifyNumber, { key: alice.key, params: { id: one.id }, body: { code: fake.codeFor(first) } })).status).toBe(200);
      const to = freshNumber();
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(sendSms, { key: alice.key, body: { to, body: `reply ${i}` } })).status);
      expect(statuses).toEqual([201, 201, 429]);
      // A second key of hers spends the same budget: it is the person's, not the key's.
      const otherKey = rememberSecret("api-key", (await createApiKey(getDb(), alice.user.id, { name: "second", scopes: ["messages:write"] })).key);
      const refused = await call(sendSms, { key: otherKey, body: { to, body: "once more" } });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
      expect(fake.sent.filter((m) => m.to === to)).toHaveLength(2);
      // The second of two code checks in the window still goes through: sending took nothing from it.
      expect((await call(verifyNumber, { key: alice.key, params: { id: two.id }, body: { code: fake.codeFor(second) } })).status).toBe(200);
      expect((await call(verifyNumber, { key: alice.key, params: { id: two.id }, body: { code: "000000" } })).status).toBe(429);
    } finally {
      setConfig(before);
      resetLimiters();
    }
  });
});

describe("console provider", () => {
  it("writes codes to the outbox that admins read, and never to a member", async () => {
    setConfig({ ...saved, SMS_PROVIDER: "console" });
    try {
      const admin = await makeUser({ role: "admin" });
      const alice = await makeUser();
      const number = freshNumber();
      const before = fake.sent.length;
      const { body } = await add(alice, number);
      expect(fake.sent.length).toBe(before);
      const list = await call(outbox, { key: admin.key });
      const entry = list.body.data.find((row: any) => row.to === number);
      expect(entry).toMatchObject({ to: number, body: expect.stringMatching(/\b\d{6}\b/), createdAt: expect.any(String) });
      const code = entry.body.match(/\b(\d{6})\b/)[1];
      expect((await call(verifyNumber, { key: alice.key, params: { id: body.phoneNumber.id }, body: { code } })).body.phoneNumber.verified).toBe(true);
      expect((await call(outbox, { key: alice.key })).status).toBe(403);
      const [usage] = await getDb().select().from(smsUsage).where(eq(smsUsage.number, number));
      expect(usage).toMatchObject({ priceSource: "rate_table", price: 0.0083 });
    } finally {
      useFakeTwilio(fake);
    }
  });
});
