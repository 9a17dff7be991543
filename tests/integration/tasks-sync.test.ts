import { eq, or } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { GET as syncRoute } from "@/app/api/v1/sync/tasks/route";
import { getDb } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema/tasks";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { decodeCursor } from "@/lib/sync/cursor";
import { completeTask } from "@/lib/tasks/complete";
import { createTask } from "@/lib/tasks/create";
import { deleteTask } from "@/lib/tasks/delete";
import type { TaskChange } from "@/lib/tasks/schemas";
import { syncTasks } from "@/lib/tasks/sync";
import { updateTask } from "@/lib/tasks/update";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

type Replica = Map<string, TaskChange>;

/** A device: applies pages until caught up, as a client would. */
async function pull(userId: string, replica: Replica, cursor: string | undefined, limit: number): Promise<{ cursor: string | undefined; pages: number }> {
  let pages = 0;
  for (;;) {
    const { changes, cursor: next, hasMore } = await syncTasks(getDb(), userId, { since: cursor ? decodeCursor(cursor)! : 0, limit });
    for (const change of changes) replica.set(change.id, change);
    cursor = next;
    pages++;
    if (!hasMore) return { cursor, pages };
  }
}

/** What the user's devices must end up with: every task they can see, at its committed version. */
async function committedView(userId: string) {
  const rows = await getDb()
    .select()
    .from(tasks)
    .where(or(eq(tasks.userId, userId), eq(tasks.assigneeId, userId)));
  return rows;
}

function liveOf(replica: Replica) {
  return new Map([...replica.values()].filter((c): c is Extract<TaskChange, { deleted: false }> => !c.deleted).map((c) => [c.id, c.version]));
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  setRealtimeServer(undefined);
});

describe("task sync", () => {
  it("misses nothing while 8 writers commit concurrently and a device pages through small pages", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const writers = 8;
    let writing = true;
    const replica: Replica = new Map();
    let cursor: string | undefined;

    // A device syncing all along, three changes per page.
    const reader = (async () => {
      let passes = 0;
      while (writing) {
        ({ cursor } = await pull(alice.user.id, replica, cursor, 3));
        passes++;
      }
      return passes;
    })();

    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < 5; i++) {
          const task = await createTask(getDb(), alice.user.id, { title: `w${w} task ${i}`, dueAt: `2033-01-0${1 + (i % 5)}T09:00:00Z`, rrule: i === 0 ? "FREQ=DAILY" : null, assigneeId: i === 1 ? bob.user.id : null });
          const edited = await updateTask(getDb(), alice.user.id, task.id, { version: task.version, title: `w${w} task ${i} (edited)`, scope: "following" });
          if (i === 0) await completeTask(getDb(), alice.user.id, edited.id);
          if (i === 2) await deleteTask(getDb(), alice.user.id, edited.id);
          if (i === 3) await updateTask(getDb(), alice.user.id, edited.id, { version: edited.version, priority: "high", scope: "following" });
        }
      }),
    );
    writing = false;
    const passes = await reader;
    ({ cursor } = await pull(alice.user.id, replica, cursor, 3));

    const committed = await committedView(alice.user.id);
    // 8 writers × 5 tasks, plus one next occurrence per completed recurring task.
    expect(committed).toHaveLength(writers * 6);
    const expectedLive = new Map(committed.filter((row) => !row.deletedAt).map((row) => [row.id, row.version]));
    expect(liveOf(replica)).toEqual(expectedLive);
    const deleted = committed.filter((row) => row.deletedAt).map((row) => row.id);
    expect(deleted).toHaveLength(writers);
    for (const id of deleted) expect(replica.get(id)).toEqual({ id, deleted: true });
    expect(passes).toBeGreaterThan(0);

    // A fresh device that starts from nothing gets the same state, through the HTTP route.
    const fresh: Replica = new Map();
    let since: string | undefined;
    for (;;) {
      const res = await call(syncRoute, { key: alice.key, query: { since, limit: 7 } });
      expect(res.status).toBe(200);
      for (const change of res.body.changes as TaskChange[]) {
        expect(fresh.has(change.id)).toBe(false);
        fresh.set(change.id, change);
      }
      since = res.body.cursor;
      if (!res.body.hasMore) break;
    }
    expect(liveOf(fresh)).toEqual(expectedLive);

    // Bob's stream holds exactly the tasks assigned to him.
    const bobs: Replica = new Map();
    await pull(bob.user.id, bobs, undefined, 4);
    const assigned = committed.filter((row) => row.assigneeId === bob.user.id && !row.deletedAt);
    expect(assigned).toHaveLength(writers);
    expect(liveOf(bobs)).toEqual(new Map(assigned.map((row) => [row.id, row.version])));
  });

  it("puts a shared task in the assignee's stream, and a tombstone there when it is taken away", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const shared = await createTask(getDb(), alice.user.id, { title: "Prepare the offsite", assigneeId: bob.user.id });
    await createTask(getDb(), alice.user.id, { title: "Alice only" });

    const bobs: Replica = new Map();
    let { cursor } = await pull(bob.user.id, bobs, undefined, 10);
    expect([...bobs.keys()]).toEqual([shared.id]);

    const edited = await updateTask(getDb(), alice.user.id, shared.id, { version: 1, description: "Book the venue", scope: "following" });
    ({ cursor } = await pull(bob.user.id, bobs, cursor, 10));
    expect(bobs.get(shared.id)).toMatchObject({ deleted: false, version: 2, description: "Book the venue" });

    await updateTask(getDb(), alice.user.id, shared.id, { version: edited.version, assigneeId: carol.user.id, scope: "following" });
    const page = await syncTasks(getDb(), bob.user.id, { since: decodeCursor(cursor!)!, limit: 10 });
    expect(page.changes).toEqual([{ id: shared.id, deleted: true }]);
    // The tombstone carries nothing of the task.
    expect(JSON.stringify(page.changes)).not.toContain("offsite");

    const carols: Replica = new Map();
    await pull(carol.user.id, carols, undefined, 10);
    expect(carols.get(shared.id)).toMatchObject({ deleted: false, assigneeId: carol.user.id });
    const alices: Replica = new Map();
    await pull(alice.user.id, alices, undefined, 10);
    expect(alices.size).toBe(2);
    expect(alices.get(shared.id)).toMatchObject({ deleted: false, version: 3 });
  });

  it("publishes task:changed with each user's own position to the owner's and the assignee's devices", async () => {
    const server = await startRealtimeServer();
    cleanups.push(server.close);
    setRealtimeServer(server.realtime.io);
    const alice = await makeUser();
    const bob = await makeUser();
    const mallory = await makeUser();
    const aliceSocket = await connectClient(server.url, alice.key);
    const bobSocket = await connectClient(server.url, bob.key);
    const mallorySocket = await connectClient(server.url, mallory.key);
    let malloryGotOne = false;
    mallorySocket.on("task:changed", () => (malloryGotOne = true));

    type Event = { position: number; cursor: string; change: TaskChange };
    const toAlice = nextEvent<Event>(aliceSocket, "task:changed");
    const toBob = nextEvent<Event>(bobSocket, "task:changed");
    const task = await createTask(getDb(), alice.user.id, { title: "Sign the lease", assigneeId: bob.user.id });
    const [a, b] = await Promise.all([toAlice, toBob]);
    expect(a.change).toMatchObject({ id: task.id, deleted: false, title: "Sign the lease" });
    expect(b.change).toMatchObject({ id: task.id, deleted: false });
    expect(decodeCursor(a.cursor)).toBe(a.position);
    // Each position is in that user's own stream: syncing after it returns nothing new.
    expect((await syncTasks(getDb(), alice.user.id, { since: a.position, limit: 10 })).changes).toEqual([]);
    expect((await syncTasks(getDb(), bob.user.id, { since: b.position, limit: 10 })).changes).toEqual([]);
    expect((await syncTasks(getDb(), bob.user.id, { since: b.position - 1, limit: 10 })).changes.map((c) => c.id)).toEqual([task.id]);

    const completedForBob = nextEvent<Event>(bobSocket, "task:changed");
    await completeTask(getDb(), bob.user.id, task.id);
    expect((await completedForBob).change).toMatchObject({ id: task.id, status: "done" });

    const goneForBob = nextEvent<Event>(bobSocket, "task:changed");
    await deleteTask(getDb(), alice.user.id, task.id);
    expect((await goneForBob).change).toEqual({ id: task.id, deleted: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(malloryGotOne).toBe(false);
    for (const socket of [aliceSocket, bobSocket, mallorySocket]) socket.close();
  });

  it("refuses a cursor it did not issue", async () => {
    const alice = await makeUser();
    const res = await call(syncRoute, { key: alice.key, query: { since: "garbage" } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("query.since");
  });
});

