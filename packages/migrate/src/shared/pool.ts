/**
 * Runs `worker` over `items` with at most `concurrency` at once, in order of the items. The first error stops
 * new work and is thrown once the running ones settle.
 */
export async function runPool<Item>(
  items: readonly Item[],
  concurrency: number,
  worker: (item: Item, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        await worker(items[index] as Item, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure.error;
}
