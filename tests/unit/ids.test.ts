import { describe, expect, it } from "vitest";
import { newId } from "@/lib/db/ids";
import { routeLabel } from "@/lib/metrics/metrics";

describe("newId", () => {
  it("is prefixed, unique and sorts by time", () => {
    const a = newId("msg", 1_700_000_000_000);
    const b = newId("msg", 1_700_000_000_001);
    expect(a).toMatch(/^msg_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
    const many = new Set(Array.from({ length: 1000 }, () => newId("dev")));
    expect(many.size).toBe(1000);
  });

  it("collapses ids in metric route labels", () => {
    expect(routeLabel(`/api/v1/messages/${newId("msg")}/read`)).toBe("/api/v1/messages/:id/read");
    expect(routeLabel("/api/v1/rooms/42/messages")).toBe("/api/v1/rooms/:id/messages");
  });
});
