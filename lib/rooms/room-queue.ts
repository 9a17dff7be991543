/**
 * Runs one room's writes one at a time within this process.
 *
 * Correctness does not depend on this: every write locks the room row, and
 * that lock is what orders writers across instances. But a transaction
 * waiting for the row lock holds a pooled database connection while it
 * waits. Under a burst in one busy room those waiters fill the pool, and
 * every other room (and every other query) queues behind them. Queuing the
 * room's writes here instead keeps at most one connection per room busy,
 * and that one is doing work.
 */
const QUEUE_KEY = Symbol.for("message-hub.rooms.write-queue");
type Holder = { [QUEUE_KEY]?: Map<string, Promise<void>> };

function tails(): Map<string, Promise<void>> {
  const holder = globalThis as Holder;
  holder[QUEUE_KEY] ??= new Map();
  return holder[QUEUE_KEY];
}

/** Runs `work` after the room's earlier writes in this process have settled. Never nest calls for one room. */
export function inRoomOrder<T>(roomId: string, work: () => Promise<T>): Promise<T> {
  const queue = tails();
  const previous = queue.get(roomId) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queue.set(roomId, tail);
  void tail.then(() => {
    if (queue.get(roomId) === tail) queue.delete(roomId);
  });
  return run;
}
