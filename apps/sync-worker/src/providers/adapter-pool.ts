import { createHash } from "node:crypto";
import type { RegionInfo } from "@cloudsync/cloud";
import { LRUCache } from "lru-cache";
import type { Logger } from "../logger.ts";
import type { AdapterSettings, ClosableAdapter } from "./adapters.ts";
import type { ProviderForSync } from "./registry.ts";

/**
 * Adapters kept per process and reused by the jobs of one provider, so that the shards of a
 * fanned-out inventory that land on one process build one adapter (SDK clients, credential
 * providers, assumed-role sessions, the region catalog) instead of one each.
 *
 * An adapter is shared only by jobs that would have built the very same one: the key is a hash
 * of the organization, the provider, its decrypted credentials and the settings that shape the
 * adapter (regions, rate, concurrency, page size, timeouts). A provider whose credentials were
 * rotated gets a new adapter; the old one is closed once idle. Two organizations, or two
 * providers, never share one, even with equal credentials.
 *
 * What a job receives is a view of the pooled adapter whose `close()` only releases it; the
 * adapter itself is closed when it has been idle for `idleMs`, when it is the least recently
 * used beyond `max`, or when the pool closes — and never while a job still holds it.
 *
 * Only for jobs that depend on no per-run state of the adapter: the shard jobs read the accounts
 * they are given, never the adapter's last discovery (a whole run discovers on its own adapter).
 */
export interface AdapterPool {
  /** The provider's adapter for these settings, built on first use; `close()` on it releases it. */
  adapterFor(provider: ProviderForSync, settings: AdapterSettings): Promise<ClosableAdapter>;
  /** Adapters held (in use or idle). */
  readonly size: number;
  /** How many adapters were built since the pool started (for tests and the benchmark). */
  readonly built: number;
  /** Closes every idle adapter now, and each one in use when its last job releases it. */
  close(): Promise<void>;
}

export interface AdapterPoolOptions {
  /** Builds an adapter (the process's `adapterFor`). */
  build: (provider: ProviderForSync, settings: AdapterSettings) => Promise<ClosableAdapter>;
  /** Adapters kept at most (default 32). */
  max?: number;
  /** An adapter no job has used for this long is closed (default 5 minutes). */
  idleMs?: number;
  /**
   * Where a pooled adapter logs (with the provider's id): a job's own logger names its run and
   * would be wrong for the next job, so the job's logger is not handed to a shared adapter.
   */
  logger?: Logger;
}

interface Entry {
  adapter: Promise<ClosableAdapter>;
  /** Jobs holding it now. */
  users: number;
  /** Left the cache (idle, crowded out, replaced, pool closed): close it once `users` is 0. */
  evicted: boolean;
  /** The region catalog, asked once per adapter (every shard used to ask again). */
  regions: Promise<RegionInfo[]> | undefined;
  closed: Promise<void> | undefined;
}

const defaults = { max: 32, idleMs: 5 * 60_000 };

export function createAdapterPool(options: AdapterPoolOptions): AdapterPool {
  let built = 0;
  const closeEntry = (entry: Entry): Promise<void> =>
    (entry.closed ??= entry.adapter.then(
      (adapter) => adapter.close?.().catch(() => undefined),
      () => undefined,
    ));
  const cache = new LRUCache<string, Entry>({
    max: options.max ?? defaults.max,
    ttl: options.idleMs ?? defaults.idleMs,
    // Idle means unused: each take and each last release sets the entry again, which restarts
    // its clock and schedules its purge (lru-cache unrefs the timer). Not `updateAgeOnGet`: a
    // purge timer that finds its entry refreshed by a get is not scheduled again, so an adapter
    // reused once would never be closed.
    ttlAutopurge: true,
    dispose: (entry) => {
      entry.evicted = true;
      if (entry.users === 0) void closeEntry(entry);
    },
  });

  function lease(key: string, entry: Entry, adapter: ClosableAdapter): ClosableAdapter {
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      if (entry.evicted) await closeEntry(entry);
      // Its idle time starts now.
      else if (cache.peek(key) === entry) cache.set(key, entry);
    };
    const listRegions = (): Promise<RegionInfo[]> => {
      const asked = (entry.regions ??= adapter.listRegions().catch((error: unknown) => {
        // A failure is not kept: the next job asks again.
        entry.regions = undefined;
        throw error;
      }));
      return asked.then((regions) => regions.map((r) => ({ ...r })));
    };
    return new Proxy(adapter, {
      get(target, property) {
        if (property === "close") return release;
        if (property === "listRegions") return listRegions;
        // The target as receiver: getters and private fields see the real adapter.
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  return {
    get size() {
      return cache.size;
    },
    get built() {
      return built;
    },
    async adapterFor(provider, settings) {
      const key = poolKey(provider, settings);
      let entry = cache.get(key);
      // Taken again: its idle clock restarts (a job longer than the idle time still loses it to
      // the purge; it is then closed when that job releases it, and the next job builds anew).
      if (entry) cache.set(key, entry);
      else {
        const { logger: _jobLogger, ...shaping } = settings;
        const logger = options.logger?.child({ providerId: provider.id, provider: provider.providerName, component: "adapter-pool" });
        built += 1;
        const fresh: Entry = {
          adapter: options.build(provider, { ...shaping, ...(logger ? { logger } : {}) }),
          users: 0,
          evicted: false,
          regions: undefined,
          closed: undefined,
        };
        entry = fresh;
        cache.set(key, fresh);
        // An adapter that cannot be built is not kept: the next job tries again.
        fresh.adapter.catch(() => {
          if (cache.peek(key) === fresh) cache.delete(key);
        });
      }
      entry.users += 1;
      try {
        return lease(key, entry, await entry.adapter);
      } catch (error) {
        entry.users -= 1;
        throw error;
      }
    },
    async close() {
      const entries = [...cache.values()];
      cache.clear();
      await Promise.all(entries.filter((e) => e.users === 0).map(closeEntry));
    },
  };
}

/**
 * What makes two adapters the same: the organization, the provider and its cloud, its decrypted
 * credentials, and every setting that shapes the adapter. Hashed, so no secret sits in the key.
 * (The job's logger and throttle callback do not shape what the adapter reads.)
 */
export function poolKey(provider: ProviderForSync, settings: AdapterSettings): string {
  const shaping = {
    regions: settings.regions ? [...settings.regions] : null,
    requestsPerSecond: settings.requestsPerSecond ?? null,
    concurrency: settings.concurrency ?? null,
    pageSize: settings.pageSize ?? null,
    timeoutMs: settings.timeoutMs ?? null,
    maxAttempts: settings.maxAttempts ?? null,
  };
  return createHash("sha256")
    .update(JSON.stringify([provider.organizationId, provider.id, provider.providerName, provider.credentials, shaping]))
    .digest("base64url");
}
