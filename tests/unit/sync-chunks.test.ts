import { describe, expect, it } from "vitest";
import { joinInChunks } from "@/lib/messages/sync";

describe("a sync page's text in chunks", () => {
  const join = (items: string[]) => joinInChunks(items, '{"changes":[', '],"hasMore":false}');

  it("concatenates to the page, whatever the number and size of its items", () => {
    for (const items of [[], ["{}"], Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, body: "x".repeat(i * 3) })), [JSON.stringify({ body: "é".repeat(200_000) }), "{}"]]) {
      const text = join(items).join("");
      expect(text).toBe(`{"changes":[${items.join(",")}],"hasMore":false}`);
      expect(JSON.parse(text).changes).toHaveLength(items.length);
    }
  });

  it("keeps every chunk below V8's large-object size unless one item is larger", () => {
    const items = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, body: "y".repeat(500) }));
    const chunks = join(items);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(64 * 1024);
  });
});
