/**
 * The per-process adapter pool the shard jobs use (src/providers/adapter-pool.ts): one adapter
 * per provider, credentials and settings, reused across jobs, never shared across organizations,
 * providers or credentials, and closed only when no job holds it. Real AWS adapters over the
 * real SDK against the AWS emulator; the builder only counts what it builds and closes.
 */
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../src/logger.ts";
import { createAdapterPool, poolKey } from "../src/providers/adapter-pool.ts";
import { type AdapterSettings, type ClosableAdapter, createAdapter } from "../src/providers/adapters.ts";
import { parseProviderCredentials } from "../src/providers/credentials.ts";
import type { ProviderForSync } from "../src/providers/registry.ts";
import { waitFor } from "./fixtures/redis.ts";

const accounts = ["400000000000", "400000000001"];
let em: AwsEmulator;

beforeAll(async () => {
  em = await startAwsEmulator({ seed: "pool", size: 20, regions: ["us-east-1"], accounts: accounts.map((accountId) => ({ accountId })) });
});
afterAll(async () => {
  await em?.close();
});

function providerOf(over: { id?: string; organizationId?: string; account?: string; secretAccessKey?: string } = {}): ProviderForSync {
  return {
    id: over.id ?? "11111111-1111-4111-8111-111111111111",
    isActive: true,
    organizationId: over.organizationId ?? "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    providerName: "aws",
    createdBy: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
    regions: ["us-east-1"],
    settings: {},
    credentials: parseProviderCredentials({
      cloud: "aws",
      accessKeyId: em.baseCredentials.accessKeyId,
      secretAccessKey: over.secretAccessKey ?? em.baseCredentials.secretAccessKey,
      accounts: [{ accountId: over.account ?? accounts[0] }],
      endpoint: em.endpoint,
    }),
  };
}

const settings: AdapterSettings = { regions: ["us-east-1"], concurrency: 2 };

/** A builder of real adapters that records each build (with the settings it got) and each close. */
function recordingBuilder() {
  const builds: { provider: string; settings: AdapterSettings }[] = [];
  const closed: number[] = [];
  const build = async (provider: ProviderForSync, s: AdapterSettings): Promise<ClosableAdapter> => {
    const n = builds.push({ provider: provider.id, settings: s }) - 1;
    const adapter = await createAdapter(provider.credentials, s);
    return new Proxy(adapter, {
      get: (target, key) => (key === "close" ? async () => void closed.push(n) : Reflect.get(target, key, target)),
    });
  };
  return { build, builds, closed };
}

describe("adapter pool", () => {
  it("reuses one adapter for the jobs of one provider; a job's close only releases it", async () => {
    const r = recordingBuilder();
    const pool = createAdapterPool({ build: r.build });
    const first = await pool.adapterFor(providerOf(), settings);
    const second = await pool.adapterFor(providerOf(), settings);
    await first.close?.();
    await second.close?.();
    const third = await pool.adapterFor(providerOf(), settings);
    expect(r.builds).toHaveLength(1);
    expect(r.closed, "released, not closed").toEqual([]);
    expect(third.accounts).toEqual([accounts[0]]);
    await third.close?.();
    await pool.close();
    expect(r.closed, "closed with the pool").toEqual([0]);
  });

  it("never shares an adapter across organizations, providers, credentials or settings", async () => {
    const r = recordingBuilder();
    const pool = createAdapterPool({ build: r.build });
    const variants: [string, ProviderForSync, AdapterSettings][] = [
      ["the base", providerOf(), settings],
      ["another organization, same provider id and credentials", providerOf({ organizationId: "cccccccc-cccc-4ccc-8ccc-cccccccccccc" }), settings],
      ["another provider of the organization, same credentials", providerOf({ id: "22222222-2222-4222-8222-222222222222" }), settings],
      ["rotated credentials", providerOf({ secretAccessKey: "rotated-secret-access-key-0000" }), settings],
      ["another account", providerOf({ account: accounts[1] }), settings],
      ["other regions", providerOf(), { ...settings, regions: ["eu-west-1"] }],
      ["another concurrency", providerOf(), { ...settings, concurrency: 3 }],
    ];
    const keys = new Set(variants.map(([, p, s]) => poolKey(p, s)));
    expect(keys.size, "every variant its own key").toBe(variants.length);
    const leased = [];
    for (const [, p, s] of variants) leased.push(await pool.adapterFor(p, s));
    expect(r.builds).toHaveLength(variants.length);
    // Each adapter reads with what it was built from: the other account's is its own.
    expect(leased[4]?.accounts).toEqual([accounts[1]]);
    expect(leased[0]?.accounts).toEqual([accounts[0]]);
    for (const a of leased) await a.close?.();
    await pool.close();
  });

  it("keeps no secret in its key", () => {
    const key = poolKey(providerOf(), settings);
    expect(key).not.toContain(em.baseCredentials.secretAccessKey);
    expect(key).toMatch(/^[\w-]{43}$/);
  });

  it("closes an adapter crowded out of the pool only once its last job releases it", async () => {
    const r = recordingBuilder();
    const pool = createAdapterPool({ build: r.build, max: 1 });
    const held = await pool.adapterFor(providerOf(), settings);
    const other = await pool.adapterFor(providerOf({ account: accounts[1] }), settings);
    expect(pool.size).toBe(1);
    expect(r.closed, "still held by a job").toEqual([]);
    // The held adapter still works after it left the pool.
    const events = [];
    for await (const e of held.streamResources({ kinds: ["vpc"], accounts: [accounts[0]!] })) events.push(e.type);
    expect(events).toContain("scope_completed");
    await held.close?.();
    expect(r.closed).toEqual([0]);
    await other.close?.();
    await pool.close();
    expect(r.closed).toEqual([0, 1]);
  });

  it("closes an adapter no job used for the idle time", async () => {
    const r = recordingBuilder();
    const pool = createAdapterPool({ build: r.build, idleMs: 20 });
    // Taken twice (a reuse restarts the idle clock), then left idle.
    const a = await pool.adapterFor(providerOf(), settings);
    const b = await pool.adapterFor(providerOf(), settings);
    await a.close?.();
    await b.close?.();
    await waitFor("the idle adapter to be closed", () => r.closed.length === 1);
    expect(pool.size).toBe(0);
    // The next job builds a fresh one.
    await (await pool.adapterFor(providerOf(), settings)).close?.();
    expect(r.builds).toHaveLength(2);
    await pool.close();
  });

  it("asks each adapter for its regions once, and asks again after a failure", async () => {
    const r = recordingBuilder();
    const pool = createAdapterPool({ build: r.build });
    const before = em.requests.get("ec2:DescribeRegions") ?? 0;
    const a = await pool.adapterFor(providerOf(), settings);
    const b = await pool.adapterFor(providerOf(), settings);
    const [ra, rb] = await Promise.all([a.listRegions(), b.listRegions()]);
    expect(ra.map((x) => x.code)).toContain("us-east-1");
    expect(rb).toEqual(ra);
    expect((em.requests.get("ec2:DescribeRegions") ?? 0) - before, "one DescribeRegions for both jobs").toBe(1);
    await a.close?.();
    await b.close?.();

    const refused = await pool.adapterFor(providerOf({ account: accounts[1] }), settings);
    em.faults.set({ rejectCredentials: true, match: "DescribeRegions" });
    try {
      await expect(refused.listRegions()).rejects.toThrow();
    } finally {
      em.faults.clear();
    }
    // The failure was not kept: the next job's call asks again, and gets the answer.
    expect((await refused.listRegions()).map((x) => x.code)).toContain("us-east-1");
    expect((em.requests.get("ec2:DescribeRegions") ?? 0) - before).toBe(3);
    await refused.close?.();
    await pool.close();
  });

  it("does not keep an adapter that could not be built", async () => {
    let attempts = 0;
    const pool = createAdapterPool({
      build: async (p, s) => {
        attempts += 1;
        if (attempts === 1) throw new Error("the SDK failed to load");
        return createAdapter(p.credentials, s);
      },
    });
    await expect(pool.adapterFor(providerOf(), settings)).rejects.toThrow("the SDK failed to load");
    const a = await pool.adapterFor(providerOf(), settings);
    expect(attempts).toBe(2);
    await a.close?.();
    await pool.close();
  });

  it("hands the pooled adapter the pool's logger, not the first job's (which names that job's run)", async () => {
    const r = recordingBuilder();
    const bindings: Record<string, unknown>[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      child: (b) => {
        bindings.push(b);
        return logger;
      },
    };
    const jobLogger: Logger = { ...logger, child: () => jobLogger };
    const pool = createAdapterPool({ build: r.build, logger });
    await (await pool.adapterFor(providerOf(), { ...settings, logger: jobLogger })).close?.();
    expect(r.builds[0]?.settings.logger).toBe(logger);
    expect(bindings).toEqual([{ providerId: providerOf().id, provider: "aws", component: "adapter-pool" }]);
    await pool.close();
  });
});
