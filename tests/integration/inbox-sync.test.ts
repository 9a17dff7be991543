import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { POST as postMessages } from "@/app/api/v1/messages/route";
import { DELETE as deleteMessage, PATCH as patchMessage } from "@/app/api/v1/messages/[id]/route";
import { DELETE as markUnread, PUT as markRead } from "@/app/api/v1/messages/[id]/read/route";
import { POST as bulkRead } from "@/app/api/v1/messages/read/route";
import { POST as bulkUnread } from "@/app/api/v1/messages/unread/route";
import { GET as syncMessages } from "@/app/api/v1/sync/messages/route";
import { GET as getStatus, PUT as putStatus } from "@/app/api/v1/sync/status/route";
import { GET as getDevice } from "@/app/api/v1/devices/[id]/route";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { makeDevice, sms } from "@/tests/helpers/inbox";
import { blockedBehind, releaseHeldCounters } from "@/tests/helpers/locks";

releaseHeldCounters();

type Expected = { deleted: boolean; read: boolean; tags: string[]; priority: string };

function ok<T extends { status: number; text: string }>(result: T): T {
  if (result.status >= 300) throw new Error(`unexpected ${result.status}: ${result.text}`);
  return result;
}

/** Pages the sync stream from `cursor` until hasMore is false, checking order as it goes. */
async function drain(key: string, cursor: string | undefined, limit: number, seen: Map<string, any>, positions: number[]): Promise<string> {
  for (;;) {
    const page = ok(await call(syncMessages, { key, query: { since: cursor, limit } }));
    for (const change of page.body.changes) {
      positions.push(change.position);
      seen.set(change.id, change);
    }
    cursor = page.body.cursor;
    if (!page.body.hasMore) return cursor!;
  }
}

describe("inbox sync: GET /api/v1/sync/messages", () => {
  it("hands a reader every committed change exactly once, in order, while 8 writers insert, update and delete", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const committed = new Map<string, Expected>();
    const WRITERS = 8;
    const OPS = 24;

    const writer = async (w: number) => {
      const mine: string[] = [];
      for (let op = 0; op < OPS; op++) {
        const choice = op < 3 ? 0 : (op * 7 + w) % 5;
        if (choice <= 1 || mine.length === 0) {
          const batch = Array.from({ length: 1 + ((op + w) % 3) }, (_, i) => sms({ body: `w${w} op${op} #${i}`, externalId: `w${w}-${op}-${i}` }));
          const result = ok(await call(postMessages, { key: phone.key, body: { messages: batch } }));
          for (const item of result.body.results) {
            committed.set(item.id, { deleted: false, read: false, tags: [], priority: "normal" });
            mine.push(item.id);
          }
        } else {
          const id = mine[(op * 13 + w) % mine.length]!;
          const state = committed.get(id)!;
          if (state.deleted) continue;
          if (choice === 2) {
            ok(await call(state.read ? markUnread : markRead, { method: state.read ? "DELETE" : "PUT", key: phone.key, params: { id } }));
            state.read = !state.read;
          } else if (choice === 3) {
            const tags = [`w${w}`, `op${op}`];
            ok(await call(patchMessage, { method: "PATCH", key: phone.key, params: { id }, body: { tags, priority: "high" } }));
            state.tags = tags;
            state.priority = "high";
          } else {
            ok(await call(deleteMessage, { method: "DELETE", key: phone.key, params: { id } }));
            state.deleted = true;
          }
        }
      }
    };

    const seen = new Map<string, any>();
    const positions: number[] = [];
    let cursor: string | undefined;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        cursor = await drain(alice.key, cursor, 5, seen, positions);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await reader;
    cursor = await drain(alice.key, cursor, 5, seen, positions);

    // No change twice, none out of order.
    for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
    // The reader's view equals what was committed: every message, its final state, tombstones for deletions.
    expect(new Set(seen.keys())).toEqual(new Set(committed.keys()));
    for (const [id, expected] of committed) {
      const change = seen.get(id);
      expect({ id, deleted: change.deleted, read: change.read, tags: change.tags, priority: change.priority }).toEqual({ id, ...expected });
    }
    expect([...committed.values()].some((state) => state.deleted)).toBe(true);
    // A fresh reader starting from nothing, with a different page size, ends at the same place.
    const fresh = new Map<string, any>();
    const freshCursor = await drain(alice.key, undefined, 13, fresh, []);
    expect(freshCursor).toBe(cursor);
    expect(new Set(fresh.keys())).toEqual(new Set(committed.keys()));
  });

  // The same property, with the interleaving that would break it made certain rather than likely.
  it.skipIf(inject("databaseKind") !== "postgres")("never lets a reader pass a change that commits late: a later writer waits for it", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const first = ok(await call(postMessages, { key: phone.key, body: sms({ body: "first" }) })).body.message;
    const start = ok(await call(syncMessages, { key: alice.key, query: {} })).body;
    expect(start.changes.map((c: any) => c.id)).toEqual([first.id]);

    // A writer takes the next position and inserts, as ingest does, but has not committed yet.
    const slow = new pg.Client({ connectionString: inject("databaseUrl") });
    await slow.connect();
    try {
      await slow.query("begin");
      const reserved = await slow.query<{ position: string }>(
        "update change_counters set position = position + 1 where user_id = $1 and stream = 'messages' returning position",
        [alice.user.id],
      );
      const late = Number(reserved.rows[0]!.position);
      expect(late).toBe(first.position + 1);
      await slow.query(
        `insert into messages (id, user_id, device_id, source, fingerprint, type, sender, body, received_at, change_position)
         values ('msg_latecommit' || $1, $1, $2, 'api', 'fp-late-' || $1, 'sms', '+1555', 'late', now(), $3)`,
        [alice.user.id, phone.id, late],
      );

      // A second writer starts after it: it waits for the first one's commit before it can take a position.
      const after = call(postMessages, { key: phone.key, body: sms({ body: "after" }) });
      await blockedBehind(slow);
      // Meanwhile the reader finds nothing new, and its cursor stays where it was.
      const meanwhile = ok(await call(syncMessages, { key: alice.key, query: { since: start.cursor } })).body;
      expect(meanwhile).toEqual({ changes: [], cursor: start.cursor, hasMore: false });

      await slow.query("commit");
      const second = ok(await after).body.message;
      expect(second.position).toBe(late + 1);
      const next = ok(await call(syncMessages, { key: alice.key, query: { since: meanwhile.cursor } })).body;
      expect(next.changes.map((c: any) => [c.body, c.position])).toEqual([
        ["late", late],
        ["after", late + 1],
      ]);
    } finally {
      await slow.end();
    }
  });

  it("pages from the beginning without since, filters by device, and reports an empty page at the head", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const phone = await makeDevice(alice);
    const tablet = await makeDevice(alice, { name: "Tablet" });
    await call(postMessages, { key: phone.key, body: { messages: [sms(), sms()] } });
    await call(postMessages, { key: tablet.key, body: sms() });
    await call(postMessages, { key: bob.key, body: sms() });

    const all = await call(syncMessages, { key: alice.key });
    expect(all.status).toBe(200);
    expect(all.body.changes).toHaveLength(3);
    expect(all.body.hasMore).toBe(false);
    const head = await call(syncMessages, { key: alice.key, query: { since: all.body.cursor } });
    expect(head.body).toEqual({ changes: [], cursor: all.body.cursor, hasMore: false });

    const tabletOnly = await call(syncMessages, { key: alice.key, query: { device: tablet.id } });
    expect(tabletOnly.body.changes.map((c: any) => c.deviceId)).toEqual([tablet.id]);
    expect(tabletOnly.body.hasMore).toBe(false);
    // hasMore counts only the device's changes: the tablet's message comes after the phone's two.
    const phoneFirst = await call(syncMessages, { key: alice.key, query: { device: phone.id, limit: 1 } });
    expect(phoneFirst.body).toMatchObject({ changes: [{ deviceId: phone.id }], hasMore: true });
    const phoneRest = await call(syncMessages, { key: alice.key, query: { device: phone.id, limit: 1, since: phoneFirst.body.cursor } });
    expect(phoneRest.body).toMatchObject({ changes: [{ deviceId: phone.id }], hasMore: false });

    const first = await call(syncMessages, { key: alice.key, query: { limit: 2 } });
    expect(first.body.changes).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);

    expect((await call(syncMessages, { key: alice.key, query: { since: "garbage" } })).status).toBe(422);
    expect((await call(syncMessages, { key: alice.key, query: { limit: 0 } })).status).toBe(422);
  });

  it("shows a message again with its new state after each change, and a bulk read or unread as one change per message", async () => {
    const alice = await makeUser();
    const posted = await call(postMessages, { key: alice.key, body: { messages: [sms(), sms(), sms()] } });
    const ids = posted.body.results.map((r: any) => r.id);
    const start = (await call(syncMessages, { key: alice.key })).body.cursor;
    const bulk = await call(bulkRead, { key: alice.key, body: { ids: [ids[0], ids[1], "msg_unknown"] } });
    expect(bulk.body).toEqual({ updated: 2 });
    // Marking read again changes nothing and takes no position.
    expect((await call(bulkRead, { key: alice.key, body: { ids: [ids[0]] } })).body).toEqual({ updated: 0 });
    await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: ids[2] } });
    const changes = (await call(syncMessages, { key: alice.key, query: { since: start } })).body.changes;
    expect(changes.map((c: any) => [c.id, c.read, c.deleted])).toEqual([
      [ids[0], true, false],
      [ids[1], true, false],
      [ids[2], false, true],
    ]);
    // A bulk unread moves the message past the delete: a client syncing from
    // the start sees it once, in its latest state.
    expect((await call(bulkUnread, { key: alice.key, body: { ids: [ids[0], ids[2]] } })).body).toEqual({ updated: 1 });
    const after = (await call(syncMessages, { key: alice.key, query: { since: start } })).body.changes;
    expect(after.map((c: any) => [c.id, c.read, c.deleted])).toEqual([
      [ids[1], true, false],
      [ids[2], false, true],
      [ids[0], false, false],
    ]);
  });

  it("renders each change in the database exactly as the message view does, field for field", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const posted = ok(
      await call(postMessages, {
        key: phone.key,
        body: {
          messages: [
            sms({ body: "plain", receivedAt: "2026-03-01T10:00:00.123+02:00" }),
            sms({
              type: "notification",
              sender: "Ünïcode \"quoted\" \\ sender",
              title: "Title\nwith newline",
              app: "com.example.app",
              body: "emoji 🎉 and <b>markup</b>, a tab\t, a bell \u0007 and a \\ backslash",
              externalId: "ext-1",
              simSlot: 2,
              threadKey: "thread-9",
              priority: "high",
              tags: ["work", "ünï"],
              metadata: { nested: { list: [1, 2.5, null, true], text: "x" }, zeta: "last", a: "first" },
              attachments: [{ url: "https://example.test/a.png", contentType: "image/png", name: "a.png" }],
              sentAt: "2026-03-01T07:59:59.999Z",
              receivedAt: 1772352000456,
            }),
            sms({ body: "to delete" }),
          ],
        },
      }),
    );
    const [, second, third] = posted.body.results.map((result: any) => result.id);
    ok(await call(markRead, { method: "PUT", key: alice.key, params: { id: second } }));
    ok(await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: third } }));

    const { messages } = await import("@/lib/db/schema/inbox");
    const { messageColumns, toSyncChange } = await import("@/lib/messages/view");
    const { changeJson } = await import("@/lib/messages/sync");
    const { getDb } = await import("@/lib/db/client");
    const { asc, eq, sql } = await import("drizzle-orm");
    const db = getDb();
    const viewed = (await db.select(messageColumns).from(messages).where(eq(messages.userId, alice.user.id)).orderBy(asc(messages.changePosition))).map(toSyncChange);
    const rendered = await db.execute<{ change: string }>(sql`select ${changeJson(sql`m`)}::text as change from messages m where m.user_id = ${alice.user.id} order by m.change_position`);
    const parsed = rendered.rows.map((row) => JSON.parse(row.change));
    expect(parsed).toHaveLength(3);
    // Same keys in the same order, and the same values.
    expect(parsed.map((change) => Object.keys(change))).toEqual(viewed.map((change) => Object.keys(change)));
    expect(parsed).toEqual(viewed);
    // The route serves exactly those.
    expect(ok(await call(syncMessages, { key: alice.key })).body.changes).toEqual(viewed);
  });

  it("stores each device's acknowledged cursor and reports what is pending", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const phone = await makeDevice(alice);
    const laptop = await makeDevice(alice, { name: "Laptop" });
    await call(postMessages, { key: phone.key, body: { messages: [sms(), sms(), sms()] } });
    const page = await call(syncMessages, { key: laptop.key, query: { limit: 2 } });

    const acked = await call(putStatus, { method: "PUT", key: laptop.key, body: { cursor: page.body.cursor } });
    expect(acked.status).toBe(200);
    expect(acked.body.device).toMatchObject({ deviceId: laptop.id, cursor: page.body.cursor, pendingChanges: 1 });
    expect(acked.body.device.ackedAt).not.toBeNull();

    const own = await call(getStatus, { key: laptop.key });
    expect(own.body.devices.map((d: any) => d.deviceId)).toEqual([laptop.id]);
    const everyone = await call(getStatus, { key: alice.key });
    expect(everyone.body.devices.map((d: any) => d.deviceId).sort()).toEqual([phone.id, laptop.id].sort());
    expect(everyone.body.devices.find((d: any) => d.deviceId === phone.id)).toMatchObject({ cursor: null, pendingChanges: 3 });

    const device = await call(getDevice, { key: alice.key, params: { id: laptop.id } });
    expect(device.body.device.sync).toEqual({ cursor: page.body.cursor, ackedAt: acked.body.device.ackedAt });

    // A user acknowledges for a named device; a device only for itself; nobody for another user's device.
    expect((await call(putStatus, { method: "PUT", key: alice.key, body: { cursor: page.body.cursor } })).status).toBe(422);
    expect((await call(putStatus, { method: "PUT", key: alice.key, body: { cursor: page.body.cursor, deviceId: phone.id } })).status).toBe(200);
    expect((await call(putStatus, { method: "PUT", key: laptop.key, body: { cursor: page.body.cursor, deviceId: phone.id } })).status).toBe(404);
    expect((await call(putStatus, { method: "PUT", key: bob.key, body: { cursor: page.body.cursor, deviceId: phone.id } })).status).toBe(404);
    // A cursor ahead of the stream, or not ours, is refused.
    const ahead = Buffer.from(JSON.stringify({ v: 1, p: 10_000 })).toString("base64url");
    expect((await call(putStatus, { method: "PUT", key: laptop.key, body: { cursor: ahead } })).status).toBe(422);
    expect((await call(putStatus, { method: "PUT", key: laptop.key, body: { cursor: "nope" } })).status).toBe(422);
  });
});
