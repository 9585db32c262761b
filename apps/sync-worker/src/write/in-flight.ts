/**
 * Writes a writer has started and not yet seen finish: at most `limit` pages at once, each on a
 * connection of its own when the database is a pool, so PostgreSQL works on more than one core
 * while the caller prepares the next page. The first failure is kept and rethrown by every later
 * call, so an error surfaces at the next page or at `flush()`, before anything that depends on it.
 */
/**
 * Two pages at once: on a pool, two PostgreSQL backends share the work while the writer prepares
 * the next page (a first sync went from 0.52 to 0.80 × raw COPY in `pnpm bench`, metrics ingest from
 * about 0.7 to 1.2 ×). More buys little on two cores and holds more connections and memory.
 */
export const DEFAULT_PAGES_IN_FLIGHT = 2;

export class WritesInFlight {
  readonly #pending = new Set<Pending>();
  #failure: { error: unknown } | null = null;

  constructor(readonly limit: number = DEFAULT_PAGES_IN_FLIGHT) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`pagesInFlight must be a whole number of at least 1, got ${limit}`);
    }
  }

  get failed(): boolean {
    return this.#failure !== null;
  }

  /** Rethrows the first failure, if a write failed. */
  throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /**
   * Waits until a page may start: fewer than `limit` pages are in flight and, when `ids` are
   * given, no write in flight touches one of them (so two versions of one row land in order).
   */
  async admit(ids?: ReadonlySet<string>): Promise<void> {
    for (;;) {
      this.throwIfFailed();
      const overlapping = ids && [...this.#pending].find((p) => p.ids !== undefined && [...ids].some((id) => p.ids!.has(id)));
      if (overlapping) {
        await overlapping.done;
        continue;
      }
      const pages = [...this.#pending].filter((p) => p.isPage);
      if (pages.length < this.limit) return;
      await Promise.race(pages.map((p) => p.done));
    }
  }

  /**
   * Starts `work` and keeps it until it settles. Pages count against the limit; other work (a
   * scope's terminations, say) does not, but its `ids` still hold back pages that touch them.
   */
  start(work: () => Promise<void>, options: { ids?: ReadonlySet<string>; isPage?: boolean } = {}): void {
    const pending: Pending = { ids: options.ids, isPage: options.isPage ?? true, done: Promise.resolve() };
    pending.done = work().then(
      () => {
        this.#pending.delete(pending);
      },
      (error: unknown) => {
        this.#pending.delete(pending);
        this.#failure ??= { error };
      },
    );
    this.#pending.add(pending);
  }

  /** What is in flight now: for work that must wait for it, like a scope's terminations. */
  settled(): Promise<void> {
    return Promise.all([...this.#pending].map((p) => p.done)).then(() => undefined);
  }

  /** Waits for everything in flight, including what started meanwhile, then rethrows a failure. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await this.settled();
    this.throwIfFailed();
  }
}

interface Pending {
  done: Promise<void>;
  ids: ReadonlySet<string> | undefined;
  isPage: boolean;
}
