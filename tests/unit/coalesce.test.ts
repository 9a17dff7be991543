import { describe, expect, it } from "vitest";
import { coalesce } from "@/lib/db/coalesce";

/** A batch runner that records each batch and finishes when told. */
function recorder() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (inputs.includes(13)) throw new Error("13 is refused");
    return inputs.map((n) => n * 10);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.splice(0).forEach((open) => open());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { batches, run, releaseAll, open: () => gates.shift()?.() };
}

describe("coalesce", () => {
  it("runs a call alone and at once while a slot is free", async () => {
    const r = recorder();
    const call = coalesce(r.run, { concurrency: 2, maxBatch: 10 });
    const a = call(1);
    const b = call(2);
    expect(r.batches).toEqual([[1], [2]]);
    await r.releaseAll();
    expect(await Promise.all([a, b])).toEqual([10, 20]);
  });

  it("gathers the calls that wait for a slot into one batch, at most maxBatch at a time", async () => {
    const r = recorder();
    const call = coalesce(r.run, { concurrency: 1, maxBatch: 3 });
    const results = [1, 2, 3, 4, 5, 6].map((n) => call(n));
    expect(r.batches).toEqual([[1]]);
    r.open();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    await r.releaseAll();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it("when a batch fails, runs each of its calls alone, so only the bad one fails", async () => {
    const r = recorder();
    const call = coalesce(r.run, { concurrency: 1, maxBatch: 10 });
    const first = call(1);
    const rest = [12, 13, 14].map((n) => call(n).then((value) => ({ value }), (error: Error) => ({ error: error.message })));
    await r.releaseAll();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([{ value: 120 }, { error: "13 is refused" }, { value: 140 }]);
    expect(r.batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it("frees the slot before a failed batch's calls run alone, so a call that waits alone holds no one up", async () => {
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const lane: number[][] = [];
    const call = coalesce(
      async (inputs: number[]) => {
        lane.push(inputs);
        if (inputs.includes(13)) throw new Error("locked");
        return inputs;
      },
      { concurrency: 1, maxBatch: 10, alone: async (n: number) => (await gate, -n) },
    );
    const stuck = call(13);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // 13 now waits alone for its lock; the slot serves the next call at once.
    expect(await call(7)).toBe(7);
    openGate();
    expect(await stuck).toBe(-13);
    expect(lane).toEqual([[13], [7]]);
  });
});
