import { describe, expect, it } from "vitest";
import { ms, shortMs } from "@/components/analytics/dashboard";

describe("analytics latency formats", () => {
  it("shows a latency in the unit that reads best, up to days for a phone's forwarded history", () => {
    expect(ms(null)).toBe("–");
    expect(ms(850)).toBe("850 ms");
    expect(ms(12_500)).toBe("12.5 s");
    expect(ms(4 * 60_000)).toBe("4 min");
    expect(ms(2.5 * 3_600_000)).toBe("2.5 h");
    expect(ms(60 * 86_400_000)).toBe("60.0 d");
  });

  it("labels axis ticks from milliseconds to days", () => {
    expect(shortMs(750)).toBe("750 ms");
    expect(shortMs(1500)).toBe("1.5 s");
    expect(shortMs(120_000)).toBe("2 min");
    expect(shortMs(3.5 * 3_600_000)).toBe("3.5 h");
    expect(shortMs(60 * 86_400_000)).toBe("60 d");
  });
});
