/**
 * Runs many async producers with at most `concurrency` of them active, and yields their items
 * in arrival order. Each producer is pulled one item at a time and only when the consumer
 * asks, so memory stays bounded by `concurrency` items however large the estate is.
 *
 * Settled pulls go to a queue instead of being raced with `Promise.race` over every active
 * producer's pending pull: each race adds a reaction to every pending promise, and that reaction
 * keeps the race's answer (the item it won with) alive until the promise settles. One slow
 * producer (a global S3 scope reading bucket by bucket for a minute) then kept every page the
 * others yielded meanwhile: 17,590 of the 30,000 resources of the end-to-end benchmark's AWS
 * process were live at once (docs/performance.md, "Where the end-to-end peaks were").
 */
export async function* mergeBounded<T>(
  producers: Iterable<() => AsyncIterable<T>>,
  concurrency: number,
): AsyncGenerator<T> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
  const pending = producers[Symbol.iterator]();
  type Slot = { it: AsyncIterator<T> };
  type Settled = { slot: Slot; res: IteratorResult<T> } | { slot: Slot; error: unknown };
  const active = new Set<Slot>();
  /** Pulls that settled, in the order they settled; the consumer takes them one at a time. */
  const settled: Settled[] = [];
  /** Wakes the consumer waiting for the next settled pull, if it is waiting. */
  let wake: (() => void) | undefined;
  const arrive = (s: Settled) => {
    settled.push(s);
    const w = wake;
    wake = undefined;
    w?.();
  };

  const pull = (slot: Slot) => {
    slot.it.next().then(
      (res) => arrive({ slot, res }),
      (error: unknown) => arrive({ slot, error }),
    );
  };
  const startNext = (): boolean => {
    const step = pending.next();
    if (step.done) return false;
    const slot: Slot = { it: step.value()[Symbol.asyncIterator]() };
    active.add(slot);
    pull(slot);
    return true;
  };

  try {
    while (active.size < concurrency && startNext()) {}
    while (active.size > 0) {
      if (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = settled.shift() as Settled;
      if ("error" in next) {
        // As before: the producer that threw is done; the others are asked to stop below.
        active.delete(next.slot);
        throw next.error;
      }
      const { slot, res } = next;
      if (res.done) {
        active.delete(slot);
        startNext();
        continue;
      }
      pull(slot);
      yield res.value;
    }
  } finally {
    // The consumer stopped early (or a producer threw): let every running producer clean up.
    await Promise.allSettled([...active].map((s) => s.it.return?.()));
  }
}
