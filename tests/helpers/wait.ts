/** Polls `check` until it holds, or fails the test after `timeoutMs`. For asynchronous work the test cannot await directly (job workers). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
