import { describe, expect, it } from "vitest";
import { countSegments } from "@/lib/sms/segments";

describe("countSegments", () => {
  it("counts plain GSM-7 text at 160 in one segment and 153 per segment after", () => {
    expect(countSegments("Hello world")).toEqual({ encoding: "GSM-7", units: 11, segments: 1 });
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
    expect(countSegments("").segments).toBe(1);
  });

  it("counts extension-table characters (€, [, ], {, }, ~, ^, |, \\) as two septets and keeps GSM-7", () => {
    expect(countSegments("€")).toEqual({ encoding: "GSM-7", units: 2, segments: 1 });
    expect(countSegments("[x]")).toEqual({ encoding: "GSM-7", units: 5, segments: 1 });
    // 80 euros are 160 septets: one segment; one more character tips it over.
    expect(countSegments("€".repeat(80)).segments).toBe(1);
    expect(countSegments(`${"€".repeat(80)}a`).segments).toBe(2);
    // An escape pair never straddles a split: 152 plain + € needs a second segment's room.
    expect(countSegments(`${"a".repeat(152)}€${"a".repeat(152)}€`).segments).toBe(3);
    expect(countSegments("£ ¥ è é Ä Ö ñ ü § ¿ ¡ Δ Ω @ _").encoding).toBe("GSM-7");
  });

  it("switches to UCS-2 for anything outside GSM 03.38: 70 in one segment, 67 per segment after", () => {
    expect(countSegments("ç".repeat(70))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 }); // lower-case ç is not GSM (only Ç is)
    expect(countSegments("ç".repeat(71))).toEqual({ encoding: "UCS-2", units: 71, segments: 2 });
    expect(countSegments("Привет")).toEqual({ encoding: "UCS-2", units: 6, segments: 1 });
    expect(countSegments("x".repeat(134) + "ж").segments).toBe(3);
    expect(countSegments("x".repeat(133) + "ж").segments).toBe(2);
  });

  it("counts an emoji as two UTF-16 units and never splits one", () => {
    expect(countSegments("👍")).toEqual({ encoding: "UCS-2", units: 2, segments: 1 });
    expect(countSegments("👍".repeat(35))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSegments(`${"👍".repeat(35)}a`).segments).toBe(2);
    // 66 units then an emoji: it does not fit the 67-unit first part, so it starts the second.
    expect(countSegments(`${"a".repeat(66)}👍${"a".repeat(66)}👍`).segments).toBe(3);
  });
});
