import { beforeAll, describe, expect, it } from "vitest";
import { POST as postMessages } from "@/app/api/v1/messages/route";
import { GET as exportRoute } from "@/app/api/v1/messages/export/route";
import { csvCell } from "@/lib/messages/export";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { makeDevice, sms } from "@/tests/helpers/inbox";

/** Calls the export and reads its body chunk by chunk, as a client streaming it would. */
async function exportChunks(user: TestUser, query: string): Promise<{ status: number; headers: Headers; chunks: string[] }> {
  const req = new Request(`http://hub.test/api/v1/messages/export?${query}`, { headers: { authorization: `Bearer ${user.key}`, "x-hub-client-ip": "203.0.113.9" } });
  const res = await exportRoute(req, { params: Promise.resolve({}) });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value, { stream: true }));
    }
  }
  return { status: res.status, headers: res.headers, chunks };
}

/** A small RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += char;
  }
  return rows;
}

describe("export: GET /api/v1/messages/export", () => {
  let alice: TestUser;
  let phoneId: string;
  const TOTAL = 2300;

  beforeAll(async () => {
    alice = await makeUser();
    const phone = await makeDevice(alice);
    phoneId = phone.id;
    for (let start = 0; start < TOTAL; start += 500) {
      const batch = Array.from({ length: Math.min(500, TOTAL - start) }, (_, i) => sms({ body: `bulk ${start + i}`, receivedAt: new Date(Date.UTC(2025, 0, 1) + (start + i) * 1000).toISOString() }));
      const result = await call(postMessages, { key: phone.key, body: { messages: batch } });
      expect(result.status).toBe(201);
    }
    await call(postMessages, {
      key: alice.key,
      body: sms({
        sender: "+15551234567",
        title: "=HYPERLINK(\"http://evil.test\",\"click\")",
        body: 'He said "hi", then\r\nleft; -2+3+cmd|\' /C calc\'!A0',
        tags: ["a", "b"],
        metadata: { k: "v,\"w\"" },
        receivedAt: "2026-01-01T00:00:00Z",
      }),
    });
  });

  it("streams every message once, oldest first, as JSON, in several chunks", async () => {
    const { status, headers, chunks } = await exportChunks(alice, "format=json");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(headers.get("content-disposition")).toMatch(/^attachment; filename="messages-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(chunks.length).toBeGreaterThan(2);
    const messages = JSON.parse(chunks.join(""));
    expect(messages).toHaveLength(TOTAL + 1);
    expect(new Set(messages.map((m: any) => m.id)).size).toBe(TOTAL + 1);
    const times = messages.map((m: any) => Date.parse(m.receivedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(messages[0].body).toBe("bulk 0");
  });

  it("streams NDJSON, one message per line, and applies filters", async () => {
    const { headers, chunks } = await exportChunks(alice, "format=ndjson");
    expect(headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = chunks.join("").trimEnd().split("\n");
    expect(lines).toHaveLength(TOTAL + 1);
    expect(JSON.parse(lines[5]!).body).toBe("bulk 5");
    const deviceOnly = (await exportChunks(alice, `format=ndjson&device=${phoneId}&since=2025-01-01T00:10:00Z`)).chunks.join("").trimEnd().split("\n");
    expect(deviceOnly).toHaveLength(TOTAL - 600);
  });

  it("writes RFC 4180 CSV with quoting and defused formulas, phone numbers intact", async () => {
    const { headers, chunks } = await exportChunks(alice, "format=csv");
    expect(headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = parseCsv(chunks.join(""));
    const header = rows[0]!;
    expect(header.slice(0, 8)).toEqual(["id", "receivedAt", "sentAt", "type", "sender", "recipient", "title", "body"]);
    expect(rows).toHaveLength(TOTAL + 2);
    const last = Object.fromEntries(header.map((name, i) => [name, rows[rows.length - 1]![i]]));
    expect(last.sender).toBe("+15551234567");
    expect(last.title).toBe("'=HYPERLINK(\"http://evil.test\",\"click\")");
    // \r was stripped at ingest (a control character); the newline stays, quoted.
    expect(last.body).toBe("He said \"hi\", then\nleft; -2+3+cmd|' /C calc'!A0");
    expect(last.tags).toBe("a;b");
    expect(JSON.parse(last.metadata!)).toEqual({ k: 'v,"w"' });
    expect(last.read).toBe("false");
    expect(csvCell("-12.5")).toBe("-12.5");
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('a"b')).toBe('"a""b"');
  });

  it("reads each page when the client asks for it, so a message arriving part-way is in a later page", async () => {
    const carol = await makeUser();
    const phone = await makeDevice(carol);
    for (let start = 0; start < 2500; start += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => sms({ body: `carol ${start + i}`, receivedAt: new Date(Date.UTC(2025, 0, 1) + (start + i) * 1000).toISOString() }));
      expect((await call(postMessages, { key: phone.key, body: { messages: batch } })).status).toBe(201);
    }
    const req = new Request("http://hub.test/api/v1/messages/export?format=ndjson", { headers: { authorization: `Bearer ${carol.key}`, "x-hub-client-ip": "203.0.113.9" } });
    const reader = (await exportRoute(req, { params: Promise.resolve({}) })).body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    // Reading the first page starts the query for the second; the third is
    // queried only once the second has been read, after this message commits.
    text += decoder.decode((await reader.read()).value, { stream: true });
    expect((await call(postMessages, { key: phone.key, body: sms({ body: "arrived during the export", receivedAt: "2026-06-01T00:00:00Z" }) })).status).toBe(201);
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += decoder.decode(next.value, { stream: true });
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2501);
    expect(lines[2500].body).toBe("arrived during the export");
  });

  it("exports nothing of another user's, and validates the format", async () => {
    const bob = await makeUser();
    const { chunks } = await exportChunks(bob, "format=json");
    expect(JSON.parse(chunks.join(""))).toEqual([]);
    expect((await exportChunks(bob, "format=xml")).status).toBe(422);
  });
});
