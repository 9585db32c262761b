/**
 * Runs many async producers with at most `concurrency` of them active, and yields their items
 * in arrival order. Each producer is pulled one item at a time and only when the consumer
 * asks, so memory stays bounded by `concurrency` items however large the estate is.
 */
export async function* mergeBounded<T>(
  producers: Iterable<() => AsyncIterable<T>>,
  concurrency: number,
): AsyncGenerator<T> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
  const pending = producers[Symbol.iterator]();
  type Slot = { it: AsyncIterator<T>; next: Promise<{ slot: Slot; res: IteratorResult<T> }> };
  const active = new Set<Slot>();

  const pull = (slot: Slot) => {
    slot.next = slot.it.next().then((res) => ({ slot, res }));
  };
  const startNext = (): boolean => {
    const step = pending.next();
    if (step.done) return false;
    const slot = { it: step.value()[Symbol.asyncIterator]() } as Slot;
    pull(slot);
    active.add(slot);
    return true;
  };

  try {
    while (active.size < concurrency && startNext()) {}
    while (active.size > 0) {
      const { slot, res } = await Promise.race([...active].map((s) => s.next));
      if (res.done) {
        active.delete(slot);
        startNext();
        continue;
      }
      pull(slot);
      yield res.value;
    }
  } finally {
    // The consumer stopped early: let every running producer clean up.
    await Promise.allSettled([...active].map((s) => s.it.return?.()));
  }
}
