import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armSubscriptionReads, azureBucketOf, createAzureRateLimiter } from "../src/azure/api-limits.ts";
import { retryAfterMs } from "../src/azure/arm-pipeline.ts";
import { createAzureAdapter } from "../src/azure/index.ts";
import type { RateLimiter } from "../src/common/rate-limiter.ts";

/**
 * ARM's documented read limit per subscription (a bucket of 250 refilled at 25 per second) as
 * the Azure adapter's default, and a 429's Retry-After pausing the subscription. Time is a fake
 * clock that moves only when the limiter sleeps: waits are asserted exactly, never measured.
 */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe("ARM's documented read limit", () => {
  it("holds 250 reads per subscription at once, then one every 40 ms; Azure Monitor shares it, Cost Management does not", async () => {
    expect(armSubscriptionReads).toEqual({ requestsPerSecond: 25, burst: 250 });
    const time = fakeTime();
    const limiter = createAzureRateLimiter({ now: time.now, sleep: time.sleep });
    for (let i = 0; i < 250; i++) await limiter.acquire("sub-a:arm");
    expect(time.slept).toEqual([]);
    // The bucket is empty: the 251st read waits for one token, 1 / 25 s = 40 ms.
    await limiter.acquire("sub-a:arm");
    // metrics.list is an ARM read of the same subscription: same bucket, another 40 ms.
    await limiter.acquire("sub-a:metrics");
    expect(time.slept.map(Math.round)).toEqual([40, 40]);
    // Cost Management meters its queries itself, and another subscription has its own bucket.
    await limiter.acquire("sub-a:costmanagement");
    await limiter.acquire("sub-b:arm");
    expect(time.slept.map(Math.round)).toEqual([40, 40]);
  });

  it.each([
    ["sub-a:arm", "sub-a:arm"],
    ["sub-a:metrics", "sub-a:arm"],
    ["sub-a:costmanagement", "sub-a:costmanagement"],
    ["tenant:arm", "tenant:arm"],
  ])("charges %s to bucket %s", (key, bucket) => {
    expect(azureBucketOf(key)).toBe(bucket);
  });

  it("pauses a key for a 429's wait, then refills it from empty", async () => {
    const time = fakeTime();
    const limiter = createAzureRateLimiter({ now: time.now, sleep: time.sleep });
    await limiter.acquire("sub-a:arm");
    limiter.pause("sub-a:metrics", 2000);
    // Waits out the 2,000 ms pause, then 40 ms for the first token of an empty bucket.
    await limiter.acquire("sub-a:arm");
    // Another subscription was not throttled.
    await limiter.acquire("sub-b:arm");
    expect(time.slept.map(Math.round)).toEqual([2000, 40]);
  });
});

describe("the wait a 429 names", () => {
  const now = Date.parse("2026-12-06T12:00:00Z");
  it.each<[string, Record<string, string>, number | null]>([
    ["Retry-After in seconds", { "retry-after": "17" }, 17_000],
    ["Retry-After as an HTTP date, 30 s ahead", { "retry-after": "Sun, 06 Dec 2026 12:00:30 GMT" }, 30_000],
    ["retry-after-ms", { "retry-after-ms": "250" }, 250],
    ["x-ms-retry-after-ms", { "x-ms-retry-after-ms": "1500" }, 1500],
    // Cost Management: the longest of its waits, 60 s = 60,000 ms.
    ["Cost Management's waits", { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "12", "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": "60", "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "0" }, 60_000],
    ["a zero wait", { "retry-after": "0" }, 0],
    ["no wait named", {}, null],
    ["an unreadable wait", { "retry-after": "soon" }, null],
  ])("%s", (_name, headers, expected) => {
    expect(retryAfterMs((name) => headers[name], now)).toBe(expected);
  });
});

describe("the Azure adapter against the emulator's throttling", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    // Retry-After: 1 s on a throttle (the SDK's own retry waits it out once, in real time).
    emu = await startAzureEmulator({ seed: "rate-limits", size: 30, subscriptions: 1, retryAfterSeconds: 1 });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it("paces every attempt through the subscription's bucket and pauses it for the 429's Retry-After before the retry", async () => {
    const sub = emu.subscriptions[0] as string;
    const time = fakeTime();
    // The documented refill rate with a small bucket, so a small estate shows the pacing.
    const inner = createAzureRateLimiter({ limit: { requestsPerSecond: 25, burst: 3 }, now: time.now, sleep: time.sleep });
    const log: string[] = [];
    const rateLimiter: RateLimiter = {
      async acquire(key, signal) {
        log.push(`acquire ${key}`);
        await inner.acquire(key, signal);
      },
      pause(key, ms) {
        log.push(`pause ${key} ${ms}`);
        inner.pause(key, ms);
      },
    };
    const served = () => emu.requestCount("resources.list") + emu.requestCount("virtualMachines.listAll") + emu.requestCount("providerResources.list");
    const before = served();
    emu.faults.set({ throttle: 1, match: "resources.list" });
    const adapter = createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: [sub],
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      pageSize: 5,
      maxAttempts: 3,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      concurrency: 1,
      rateLimiter,
    });
    let resources = 0;
    for await (const event of adapter.streamResources()) {
      if (event.type === "page") resources += event.resources.length;
      if (event.type === "scope_failed") throw event.error;
    }
    // The throttle was served (and retried: the listing is complete), each attempt taking a token.
    expect(emu.faults.plan.throttle).toBe(0);
    emu.faults.clear();
    expect(resources).toBe([...emu.expected()].filter((e) => e.account === sub).length);
    const acquires = log.filter((l) => l.startsWith("acquire"));
    expect(acquires.length).toBe(served() - before);
    expect(new Set(acquires)).toEqual(new Set([`acquire ${sub}:arm`]));
    // One pause, of the emulator's Retry-After (1 s = 1,000 ms), followed by the retry's acquire.
    const pauses = log.filter((l) => l.startsWith("pause"));
    expect(pauses).toEqual([`pause ${sub}:arm 1000`]);
    const pauseAt = log.indexOf(pauses[0] as string);
    expect(log[pauseAt + 1]).toBe(`acquire ${sub}:arm`);
    // Expected waits, from the log alone: the first 3 acquires use the bucket of 3; every later
    // one waits 40 ms (1 / 25 s) for a refilled token; the first after the pause first waits the
    // 1,000 ms out (the fake clock stood still since), then 40 ms, since the pause empties the bucket.
    const expected: number[] = [];
    let count = 0;
    for (const [i, entry] of log.entries()) {
      if (!entry.startsWith("acquire")) continue;
      count += 1;
      if (i === pauseAt + 1) expected.push(1000);
      if (count > 3) expected.push(40);
    }
    expect(time.slept.map(Math.round)).toEqual(expected);
  });
});
