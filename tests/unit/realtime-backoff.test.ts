import { describe, expect, it } from "vitest";
import { backoffDelay } from "@/components/realtime/backoff";

describe("realtime reconnection backoff", () => {
  it("doubles from 1 s and stops at 30 s", () => {
    const upper = (attempt: number) => backoffDelay(attempt, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(upper)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("spreads tabs out with jitter between half and the full delay", () => {
    expect(backoffDelay(3, () => 0)).toBe(4000);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(2);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
