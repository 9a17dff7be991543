/**
 * Polls `check` until it holds, or fails the test after `timeoutMs`. For
 * asynchronous work the test cannot await directly (job workers). `explain`,
 * when given, describes the state at the deadline, so a failure in CI says
 * what was still missing.
 */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, intervalMs = 50, explain?: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const state = explain ? `; state: ${JSON.stringify(await explain().catch((error: unknown) => `(could not be read: ${String(error)})`))}` : "";
      throw new Error(`Condition not met within ${timeoutMs} ms${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
