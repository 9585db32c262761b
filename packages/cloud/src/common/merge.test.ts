import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { mergeBounded } from "./merge.ts";

/** V8's collector, exposed for this file (the flag must be set before a new context asks for it). */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("mergeBounded", () => {
  it("yields every producer's items, at most `concurrency` producers running at once", async () => {
    let running = 0;
    let most = 0;
    const producer = (name: string, n: number) => async function* () {
      running += 1;
      most = Math.max(most, running);
      try {
        for (let i = 0; i < n; i++) {
          await macrotask();
          yield `${name}${i}`;
        }
      } finally {
        running -= 1;
      }
    };
    const out: string[] = [];
    for await (const item of mergeBounded([producer("a", 3), producer("b", 2), producer("c", 4), producer("d", 1)], 2)) out.push(item);
    expect(out.sort()).toEqual(["a0", "a1", "a2", "b0", "b1", "c0", "c1", "c2", "c3", "d0"]);
    expect(most).toBe(2);
  });

  it("throws a producer's error and lets the other running producers clean up", async () => {
    let cleaned = false;
    async function* slow() {
      try {
        // Stopped at a yield by the failure: an async generator's return() waits for one.
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield "again";
        }
      } finally {
        cleaned = true;
      }
    }
    async function* failing(): AsyncGenerator<string> {
      await macrotask();
      if (cleaned === false) throw new Error("read failed");
      yield "never";
    }
    const run = async () => {
      const seen: string[] = [];
      for await (const item of mergeBounded([() => slow(), () => failing()], 2)) seen.push(item);
      return seen;
    };
    await expect(run()).rejects.toThrow("read failed");
    expect(cleaned).toBe(true);
  });

  it("keeps no yielded item alive while another producer's pull is still pending", async () => {
    // The end-to-end benchmark's case: one long scope (S3's buckets, read one by one) while the
    // other scopes stream their pages. A Promise.race over the pending pulls kept every page
    // won meanwhile reachable from the long scope's pending promise until it settled.
    const gc = collector();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* long() {
      await released;
      yield { page: "last" } as object;
    }
    const pages = 50;
    async function* fast() {
      for (let i = 0; i < pages; i++) {
        await macrotask();
        yield { page: i, items: Array.from({ length: 100 }, (_, j) => ({ id: `${i}-${j}` })) } as object;
      }
    }
    const merged = mergeBounded([() => long(), () => fast()], 2);
    // In a function of its own, so that no suspended frame of this test holds the last page.
    const weakly = async () => new WeakRef((await merged.next()).value as object);
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < pages; i++) refs.push(await weakly());
    // The fast producer is done; the next pull waits on the long one.
    const last = merged.next();
    await macrotask();
    gc();
    await macrotask();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    release();
    expect((await last).value).toEqual({ page: "last" });
    expect((await merged.next()).done).toBe(true);
  });
});
