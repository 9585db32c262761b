import { describe, expect, it } from "vitest";
import { planShards, shardCount } from "./shard-plan.ts";

/** `n` accounts named a0, a1, …, so a plan's order and contiguity can be read off. */
const accountsOf = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);
const sizesOf = (shards: readonly unknown[][]) => shards.map((s) => s.length);

describe("shard plan", () => {
  // Hand-computed: fewest = ⌈accounts ÷ per shard⌉; with slots > 1, rounded up to a multiple of
  // the slots but at most one shard per account; sizes differ by at most one, larger first.
  const table: { accounts: number; perShard: number; slots?: number; sizes: number[]; why: string }[] = [
    { accounts: 200, perShard: 5, slots: 16, sizes: [...Array(8).fill(5), ...Array(40).fill(4)], why: "the bench: 40 shards → 48, three full waves of 16" },
    { accounts: 200, perShard: 5, slots: 8, sizes: Array(40).fill(5), why: "40 is already a multiple of 8" },
    { accounts: 200, perShard: 5, sizes: Array(40).fill(5), why: "slots unknown: fixed shards of 5" },
    { accounts: 200, perShard: 5, slots: 1, sizes: Array(40).fill(5), why: "one slot: waves of one are always full" },
    { accounts: 60, perShard: 5, slots: 16, sizes: [...Array(12).fill(4), ...Array(4).fill(3)], why: "12 shards → 16, one full wave" },
    { accounts: 60, perShard: 5, slots: 4, sizes: Array(12).fill(5), why: "12 is a multiple of 4" },
    { accounts: 23, perShard: 10, sizes: [10, 10, 3], why: "slots unknown: the last one shorter, as before" },
    { accounts: 23, perShard: 10, slots: 4, sizes: [6, 6, 6, 5], why: "3 shards → 4, evened out" },
    { accounts: 12, perShard: 3, slots: 2, sizes: [3, 3, 3, 3], why: "the sharded-sync test's plan" },
    { accounts: 11, perShard: 10, slots: 16, sizes: Array(11).fill(1), why: "more slots than accounts: one account a shard" },
    { accounts: 1, perShard: 10, slots: 4, sizes: [1], why: "one account" },
    { accounts: 0, perShard: 10, slots: 4, sizes: [], why: "no accounts, no shards" },
    { accounts: 41, perShard: 5, slots: 16, sizes: [...Array(9).fill(3), ...Array(7).fill(2)], why: "9 shards → 16" },
    { accounts: 100, perShard: 10, slots: 6, sizes: [...Array(4).fill(9), ...Array(8).fill(8)], why: "10 shards → 12, two full waves of 6" },
  ];

  it.each(table)("$accounts accounts, at most $perShard a shard, $slots slots: $why", ({ accounts, perShard, slots, sizes }) => {
    const names = accountsOf(accounts);
    const shards = planShards(names, { accountsPerShard: perShard, jobSlots: slots });
    expect(sizesOf(shards)).toEqual(sizes);
    expect(shardCount(accounts, { accountsPerShard: perShard, jobSlots: slots })).toBe(sizes.length);
    // Every account once, in order: the shards are contiguous runs of the adapter's order.
    expect(shards.flat()).toEqual(names);
    // Never more than the configured shard size, never an empty shard.
    for (const s of shards) expect(s.length).toBeGreaterThanOrEqual(1);
    for (const s of shards) expect(s.length).toBeLessThanOrEqual(perShard);
    // With slots, every wave but a capped one is full: the count is a multiple of the slots or one shard per account.
    if (slots && slots > 1 && accounts > 0) expect(shards.length % slots === 0 || shards.length === accounts).toBe(true);
  });

  it("refuses a shard size below one and a negative account count, saying what it expects", () => {
    expect(() => shardCount(10, { accountsPerShard: 0 })).toThrow(/accountsPerShard must be a whole number ≥ 1/);
    expect(() => shardCount(-1, { accountsPerShard: 5 })).toThrow(/accounts must be a whole number ≥ 0/);
  });
});
