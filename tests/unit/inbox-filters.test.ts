import { describe, expect, it } from "vitest";
import { apiQuery, exportQuery, filtersFromParams, matchesFilters, withFilters } from "@/components/inbox/filters";
import { searchTerms, splitMatches } from "@/components/inbox/highlight";

describe("inbox filters in the URL", () => {
  it("reads known filters, drops unknown ones and bad read values", () => {
    expect(filtersFromParams(new URLSearchParams("device=dev_1&read=false&q=code&x=1&type="))).toEqual({ device: "dev_1", read: "false", q: "code" });
    expect(filtersFromParams(new URLSearchParams("read=maybe"))).toEqual({});
  });

  it("turns date-only filters into day boundaries and keeps the cursor", () => {
    const query = new URLSearchParams(apiQuery({ since: "2024-06-22", until: "2024-06-22", tag: "otp" }, "c1", 50));
    expect(new Date(query.get("until")!).getTime() - new Date(query.get("since")!).getTime()).toBe(24 * 3600 * 1000);
    expect(query.get("tag")).toBe("otp");
    expect(query.get("cursor")).toBe("c1");
  });

  it("an export takes the list's filters in the format asked for, but not the search", () => {
    const query = new URLSearchParams(exportQuery({ device: "dev_1", read: "false", since: "2024-06-22", q: "code" }, "csv"));
    expect([...query.keys()].sort()).toEqual(["device", "format", "read", "since"]);
    expect(query.get("format")).toBe("csv");
    expect(query.get("since")).toBe(new Date(2024, 5, 22).toISOString());
    expect(exportQuery({}, "json")).toBe("format=json");
  });

  it("sets and clears parameters", () => {
    expect(withFilters(new URLSearchParams("device=a&read=false"), { read: undefined, m: "msg_1" })).toBe("?device=a&m=msg_1");
  });

  it("decides whether a live message belongs in a filtered list", () => {
    const message = { deviceId: "dev_1", type: "sms", read: false, tags: ["otp"], priority: "high", sender: "+1555", threadKey: null, receivedAt: new Date().toISOString() };
    expect(matchesFilters(message, {})).toBe(true);
    expect(matchesFilters(message, { device: "dev_1", read: "false", tag: "OTP", priority: "high" })).toBe(true);
    expect(matchesFilters(message, { device: "dev_2" })).toBe(false);
    expect(matchesFilters(message, { read: "true" })).toBe(false);
    expect(matchesFilters(message, { until: "2000-01-01" })).toBe(false);
    // A conversation is the thread key, or the sender without one.
    expect(matchesFilters(message, { thread: "+1555" })).toBe(true);
    expect(matchesFilters({ ...message, threadKey: "family" }, { thread: "+1555" })).toBe(false);
    expect(matchesFilters({ ...message, threadKey: "family" }, { thread: "family" })).toBe(true);
  });
});

describe("search highlighting", () => {
  it("splits text into plain and matching parts, case-insensitively", () => {
    expect(splitMatches("Your Code is 42, code", searchTerms("code"))).toEqual([
      { text: "Your ", match: false },
      { text: "Code", match: true },
      { text: " is 42, ", match: false },
      { text: "code", match: true },
    ]);
  });

  it("treats markup and regex characters in the query as plain text", () => {
    const parts = splitMatches("<img src=x onerror=alert(1)>", searchTerms("alert(1) <img"));
    expect(parts.map((p) => p.text).join("")).toBe("<img src=x onerror=alert(1)>");
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(["img"]);
  });
});
