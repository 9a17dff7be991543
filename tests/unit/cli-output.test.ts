import { describe, expect, it } from "vitest";
import { recordCounter } from "@/cli/commands/messages.mjs";
import { parseDue, parseInstant } from "@/cli/dates.mjs";
import { displayWidth, makeColors, oneLine, renderTable, shortTime, truncate } from "@/cli/output.mjs";

const plain = makeColors(false);

type Row = { id: string; from: string; text: string; type: string };
const columns = [
  { header: "ID", value: (r: Row) => r.id, keep: true },
  { header: "TYPE", value: (r: Row) => r.type, drop: 1 },
  { header: "FROM", value: (r: Row) => r.from, max: 24, min: 10 },
  { header: "MESSAGE", value: (r: Row) => r.text, flex: true, min: 12 },
];
const rows: Row[] = [
  { id: "msg_01jz8k2m4n6p8r0t2v4x6z8b0d", from: "+15551234567", type: "sms", text: "Your verification code is 123456. Do not share it with anyone." },
  { id: "msg_01jz8k2m4n6p8r0t2v4x6z8b0e", from: "Bank of Somewhere Very Long Name Ltd", type: "notification", text: "荷物が届きました 📦 お受け取りください。ありがとうございます" },
];

describe("tables", () => {
  it.each([60, 80, 100, 120])("fit %i columns, wide characters included", (width) => {
    const lines = renderTable(columns, rows, { width, colors: plain });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
  });

  it("narrower than the ids allow: ids stay whole, the rest shrinks to its minimum", () => {
    const lines = renderTable(columns, rows, { width: 40, colors: plain });
    expect(lines[1]).toContain("msg_01jz8k2m4n6p8r0t2v4x6z8b0d");
    // The whole id + FROM at 10 + MESSAGE at 12 + two gaps of 2.
    // (A cut wide character can leave one column free at the end.)
    expect(displayWidth(lines[1]!)).toBe(rows[0]!.id.length + 10 + 12 + 4);
    expect(displayWidth(lines[2]!)).toBeLessThanOrEqual(rows[0]!.id.length + 10 + 12 + 4);
  });

  it("at 80 columns keeps the id whole, drops TYPE, and cuts the message with an ellipsis", () => {
    const lines = renderTable(columns, rows, { width: 80, colors: plain });
    expect(lines[0]).not.toContain("TYPE");
    expect(lines[1]).toContain("msg_01jz8k2m4n6p8r0t2v4x6z8b0d");
    expect(lines[1]).toMatch(/…$/);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  it("shows everything when it fits", () => {
    const lines = renderTable(columns, rows.slice(0, 1), { width: 200, colors: plain });
    expect(lines[1]).toContain("Do not share it with anyone.");
    expect(lines[0]).toContain("TYPE");
  });
});

describe("text from the server", () => {
  it("loses control characters, escape sequences and bidi overrides", () => {
    const hostile = "pay\u001b[2J\u001b]0;pwned\u0007 now\u202e evil\r\nline two\u0000";
    const line = oneLine(hostile);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(line).toBe("pay[2J]0;pwned now evil line two");
  });

  it("measures and cuts wide characters by columns", () => {
    expect(displayWidth("荷物")).toBe(4);
    expect(displayWidth("📦a")).toBe(3);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(truncate("荷物が届きました", 7)).toBe("荷物が…");
    expect(displayWidth(truncate("荷物が届きました", 7))).toBeLessThanOrEqual(7);
  });
});

describe("export record counting", () => {
  const feed = (format: string, parts: string[]) => {
    const counter = recordCounter(format);
    for (const part of parts) counter.feed(Buffer.from(part));
    return { records: counter.records(), complete: counter.complete() };
  };

  it("json: objects at depth 1, split anywhere, braces inside strings ignored", () => {
    const text = '[\n{"id":"a","body":"{[not]} \\"quoted\\" }","metadata":{"x":{"y":1}}},\n{"id":"b","tags":[]}\n]\n';
    for (let cut = 1; cut < text.length; cut += 7) expect(feed("json", [text.slice(0, cut), text.slice(cut)])).toEqual({ records: 2, complete: true });
    expect(feed("json", ["[]\n"])).toEqual({ records: 0, complete: true });
    expect(feed("json", [text.slice(0, 40)]).complete).toBe(false);
  });

  it("csv: rows after the header; newlines inside quotes are not rows", () => {
    const text = 'id,body\r\nmsg_a,"two\r\nlines, and ""quotes"""\r\nmsg_b,plain\r\n';
    expect(feed("csv", [text.slice(0, 15), text.slice(15)])).toEqual({ records: 2, complete: true });
    expect(feed("csv", [text.slice(0, 20)]).complete).toBe(false);
  });

  it("ndjson: one record per line; a cut-off last line is incomplete", () => {
    expect(feed("ndjson", ['{"id":"a"}\n{"id"', ':"b"}\n'])).toEqual({ records: 2, complete: true });
    expect(feed("ndjson", ['{"id":"a"}\n{"id":"b"']).complete).toBe(false);
  });
});

describe("times typed on the command line", () => {
  const now = new Date(2025, 5, 4, 15, 0, 0); // Wednesday 4 June 2025, 15:00 local

  it("a day and a time is an instant with the local offset", () => {
    const due = parseDue("tomorrow 9am", { now });
    expect(due.allDay).toBe(false);
    expect(new Date(due.dueAt).getTime()).toBe(new Date(2025, 5, 5, 9, 0, 0).getTime());
    expect(due.dueAt).toMatch(/^2025-06-05T09:00:00[+-]\d{2}:\d{2}$/);
  });

  it("a day without a time is an all-day task", () => {
    expect(parseDue("friday", { now })).toEqual({ dueAt: "2025-06-06", allDay: true });
    expect(parseDue("2025-07-01", { now })).toEqual({ dueAt: "2025-07-01", allDay: true });
  });

  it("words, dates and ISO for --since", () => {
    expect(parseInstant("2 hours ago", "--since", { now }).getTime()).toBe(now.getTime() - 2 * 3600_000);
    expect(parseInstant("2025-06-01", "--since", { now }).getTime()).toBe(new Date(2025, 5, 1).getTime());
    expect(parseInstant("2025-06-01T10:00:00Z", "--since", { now }).toISOString()).toBe("2025-06-01T10:00:00.000Z");
  });

  it("refuses what it cannot read, and text it only partly reads", () => {
    expect(() => parseInstant("whenever", "--since", { now })).toThrow(/--since: cannot read/);
    expect(() => parseDue("tomorrow or the day after maybe", { now })).toThrow(/--due: cannot read/);
  });
});

describe("times in tables", () => {
  const now = new Date(2026, 10, 24, 0, 2, 0); // 24 November 2026, 00:02 local

  it("today is HH:MM; another day of this year adds the date, across midnight too; an earlier year is the date alone", () => {
    expect(shortTime(new Date(2026, 10, 24, 0, 0, 30).toISOString(), now)).toBe("00:00");
    expect(shortTime(new Date(2026, 10, 23, 23, 58, 0).toISOString(), now)).toBe("Nov 23 23:58");
    expect(shortTime(new Date(2026, 0, 5, 9, 7, 0).toISOString(), now)).toBe("Jan 05 09:07");
    expect(shortTime(new Date(2025, 5, 22, 15, 46, 0).toISOString(), now)).toBe("2025-06-22");
    expect(shortTime(null, now)).toBe("");
    expect(shortTime("not a time", now)).toBe("");
  });
});

describe("optional columns", () => {
  it("are left out when every cell is empty", () => {
    const table = renderTable(
      [
        { header: "ID", value: (r: { id: string; unread: number }) => r.id, keep: true },
        { header: "UNREAD", value: (r: { id: string; unread: number }) => (r.unread ? String(r.unread) : ""), drop: 1 },
      ],
      [{ id: "room_a", unread: 0 }],
      { width: 80, colors: plain },
    );
    expect(table[0]).toBe("ID");
    const shown = renderTable(
      [
        { header: "ID", value: (r: { id: string; unread: number }) => r.id, keep: true },
        { header: "UNREAD", value: (r: { id: string; unread: number }) => (r.unread ? String(r.unread) : ""), drop: 1 },
      ],
      [{ id: "room_a", unread: 2 }],
      { width: 80, colors: plain },
    );
    expect(shown[0]).toMatch(/^ID\s+UNREAD$/);
  });
});
