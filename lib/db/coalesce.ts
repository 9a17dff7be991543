/**
 * Group commit for a statement that can take many inputs at once.
 *
 * A call made while fewer than `concurrency` batches are running runs at
 * once, alone, so an idle hub adds no delay. Calls made while `concurrency`
 * batches are running wait, and the next free slot takes all of them (up to
 * `maxBatch`) as one batch: under load, one statement and one commit serve
 * many requests.
 *
 * `run` gets the inputs of a batch and returns one output per input, in
 * order. It must be atomic (a batch that throws has changed nothing: one
 * statement, or one transaction), and it should fail fast rather than wait
 * on a lock, because the calls queued behind it wait too. When it throws,
 * the batch's slot is freed and each of its calls runs on its own through
 * `alone` (default: `run` with that one input), the way it would have run
 * without group commit: one bad input fails only its own caller, and a call
 * that must wait for a lock waits by itself.
 */
export type CoalesceOptions<I, O> = { concurrency: number; maxBatch: number; alone?: (input: I) => Promise<O> };

type Waiting<I, O> = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };

export function coalesce<I, O>(run: (inputs: I[]) => Promise<O[]>, options: CoalesceOptions<I, O>): (input: I) => Promise<O> {
  const alone = options.alone ?? (async (input: I) => (await run([input]))[0]!);
  const queue: Waiting<I, O>[] = [];
  let running = 0;

  const release = (): void => {
    running--;
    pump();
  };

  const settle = async (batch: Waiting<I, O>[]): Promise<void> => {
    let outputs: O[];
    try {
      outputs = await run(batch.map((call) => call.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${outputs.length} outputs`);
    } catch {
      release();
      await Promise.all(
        batch.map(async (call) => {
          try {
            call.resolve(await alone(call.input));
          } catch (error) {
            call.reject(error);
          }
        }),
      );
      return;
    }
    release();
    batch.forEach((call, i) => call.resolve(outputs[i]!));
  };

  const pump = (): void => {
    while (running < options.concurrency && queue.length > 0) {
      running++;
      void settle(queue.splice(0, options.maxBatch));
    }
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      pump();
    });
}
