/**
 * How a fanned-out inventory's accounts are cut into shard jobs (docs/scaling.md, "Shards sized
 * to the job slots").
 *
 * The shard jobs run in waves of as many jobs as there are resource job slots (worker processes
 * × each one's resource concurrency). Shards of a fixed size leave the last wave part empty:
 * 200 accounts in shards of 5 are 40 shards, which 16 slots run as 16 + 16 + 8, the last wave
 * half full while it takes as long as a full one. So, knowing the slots:
 *
 * 1. the fewest shards that keep each at most `accountsPerShard` accounts: ⌈accounts ÷ per shard⌉;
 * 2. rounded up to a multiple of the slots, so every wave is full — but never more shards than
 *    accounts (each shard reads at least one);
 * 3. the accounts dealt out in order (configured, then discovered) in contiguous runs whose sizes
 *    differ by at most one, the larger first.
 *
 * Rounding up, not down, keeps every shard within `accountsPerShard`: 40 shards for 16 slots
 * become 48 (3 full waves of about 4 accounts), not 32 of more than 5. Without slots (or one
 * slot) the shards are simply of `accountsPerShard`, the last one shorter, as before.
 */
export interface ShardSizing {
  /** At most this many accounts a shard (> 0). */
  accountsPerShard: number;
  /** Resource job slots that will run the shards (processes × concurrency); absent: not known. */
  jobSlots?: number | undefined;
}

/** The number of shards for `accounts` accounts (see the module's rule); 0 for no accounts. */
export function shardCount(accounts: number, sizing: ShardSizing): number {
  if (!Number.isInteger(accounts) || accounts < 0) throw new RangeError(`shardCount: accounts must be a whole number ≥ 0, got ${accounts}`);
  if (!Number.isInteger(sizing.accountsPerShard) || sizing.accountsPerShard < 1) {
    throw new RangeError(`shardCount: accountsPerShard must be a whole number ≥ 1, got ${sizing.accountsPerShard}`);
  }
  if (accounts === 0) return 0;
  const fewest = Math.ceil(accounts / sizing.accountsPerShard);
  const slots = sizing.jobSlots !== undefined && Number.isInteger(sizing.jobSlots) && sizing.jobSlots > 1 ? sizing.jobSlots : 1;
  if (slots === 1) return fewest;
  return Math.min(accounts, Math.ceil(fewest / slots) * slots);
}

/** The accounts cut into shards by the module's rule, in order. */
export function planShards<T>(accounts: readonly T[], sizing: ShardSizing): T[][] {
  const count = shardCount(accounts.length, sizing);
  if (count === 0) return [];
  if (!sizing.jobSlots || sizing.jobSlots <= 1) {
    // Unknown slots: shards of exactly accountsPerShard, the last one shorter (the earlier rule).
    const shards: T[][] = [];
    for (let i = 0; i < accounts.length; i += sizing.accountsPerShard) shards.push(accounts.slice(i, i + sizing.accountsPerShard));
    return shards;
  }
  const small = Math.floor(accounts.length / count);
  const larger = accounts.length % count;
  const shards: T[][] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = small + (i < larger ? 1 : 0);
    shards.push(accounts.slice(start, start + size));
    start += size;
  }
  return shards;
}
