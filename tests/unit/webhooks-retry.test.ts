import { describe, expect, it } from "vitest";
import { nextAttemptAt, nominalDelayMs, retryDelayMs, shouldDisable } from "@/lib/webhooks/retry";
import { sign } from "@/lib/webhooks/secrets";
import { createHmac } from "node:crypto";

describe("retry schedule", () => {
  it("doubles from 30 s and caps at 4 h", () => {
    expect([1, 2, 3, 4, 9, 10, 11, 40].map((n) => nominalDelayMs(n) / 1000)).toEqual([30, 60, 120, 240, 7680, 14400, 14400, 14400]);
  });

  it("jitters within ±20 %", () => {
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 0.5)).toBe(30_000);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(5);
      expect(delay).toBeGreaterThanOrEqual(480_000 * 0.8);
      expect(delay).toBeLessThan(480_000 * 1.2);
    }
  });

  it("gives up when the next attempt would fall outside the window", () => {
    const createdAt = new Date("2025-03-01T00:00:00Z");
    const middle = () => 0.5;
    expect(nextAttemptAt({ createdAt, now: new Date("2025-03-01T19:00:00Z"), failedAttempts: 12, windowHours: 24, random: middle })?.toISOString()).toBe("2025-03-01T23:00:00.000Z");
    expect(nextAttemptAt({ createdAt, now: new Date("2025-03-01T20:00:01Z"), failedAttempts: 13, windowHours: 24, random: middle })).toBeNull();
  });

  it("disables only after both enough failures and enough time", () => {
    const failingSince = new Date("2025-03-01T00:00:00Z");
    const base = { failingSince, failures: 15, hours: 24 };
    expect(shouldDisable({ ...base, failureCount: 15, now: new Date("2025-03-02T00:00:00Z") })).toBe(true);
    expect(shouldDisable({ ...base, failureCount: 14, now: new Date("2025-03-03T00:00:00Z") })).toBe(false);
    expect(shouldDisable({ ...base, failureCount: 100, now: new Date("2025-03-01T23:59:59Z") })).toBe(false);
  });
});

describe("signature", () => {
  it("is hex HMAC-SHA256 of timestamp.body keyed with the secret", () => {
    const expected = createHmac("sha256", "whsec_test").update('1700000000.{"a":1}').digest("hex");
    expect(sign("whsec_test", 1700000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
});
