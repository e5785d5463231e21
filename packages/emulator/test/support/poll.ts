/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function until<Value>(
  check: () => Promise<Value | undefined>,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
