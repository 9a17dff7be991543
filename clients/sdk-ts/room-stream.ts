import type { RoomEvent } from "./types";

/**
 * Orders one room's events by position. The hub numbers a room's changes
 * 1, 2, 3… without gaps, so the client knows exactly what it has:
 * - an event at or below the current position is a duplicate (a live event
 *   that also came in a resume page, or a resend) and is dropped;
 * - the next position is applied at once, followed by any buffered ones;
 * - a later one means something is missing: it waits in a buffer, and if the
 *   gap is still open after `gapTimeoutMs` (events from two instances can
 *   overtake each other) the owner resyncs from the database.
 */
export class RoomStream {
  position: number;
  private pending = new Map<number, RoomEvent>();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    position: number,
    private readonly deliver: (event: RoomEvent) => void,
    private readonly onGap: () => void,
    private readonly gapTimeoutMs = 500,
  ) {
    this.position = position;
  }

  /** Takes a live or resumed event; returns whether it was applied now. */
  push(event: RoomEvent): boolean {
    if (event.position <= this.position) return false;
    if (event.position > this.position + 1) {
      this.pending.set(event.position, event);
      this.armGapTimer();
      return false;
    }
    this.apply(event);
    this.drain();
    return true;
  }

  /** After a resync: the server says the room stands at `position` (used when it has nothing newer for us). */
  settle(position: number): void {
    if (position > this.position) this.position = position;
    this.drain();
  }

  /** The room's history was reset on the server (restored backup): start over from its position. */
  reset(position: number): void {
    this.position = position;
    this.pending.clear();
    this.clearGapTimer();
  }

  get waiting(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.clearGapTimer();
    this.pending.clear();
  }

  private apply(event: RoomEvent): void {
    this.position = event.position;
    this.deliver(event);
  }

  private drain(): void {
    for (let next = this.pending.get(this.position + 1); next; next = this.pending.get(this.position + 1)) {
      this.pending.delete(next.position);
      this.apply(next);
    }
    for (const position of this.pending.keys()) if (position <= this.position) this.pending.delete(position);
    if (this.pending.size === 0) this.clearGapTimer();
  }

  private armGapTimer(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.pending.size > 0) this.onGap();
    }, this.gapTimeoutMs);
  }

  private clearGapTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
