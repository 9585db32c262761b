import { type Database, withOrganization } from "@cloudsync/db";

export interface WeddingCriticalLookup {
  /** The cached answer, or undefined when it has to be looked up. */
  peek(organizationId: string, resourceId: string): boolean | undefined;
  /** Looks the flag up (a resource that does not exist, or of another organization, is not critical). */
  get(organizationId: string, resourceId: string): Promise<boolean>;
}

export interface WeddingCriticalLookupOptions {
  db: Database;
  /** How long an answer is trusted (default 30 s): a flag changed in the database shows after at most this long. */
  ttlMs?: number;
  /** Entries kept (default 10 000); the oldest is evicted first. */
  maxEntries?: number;
  /** A lookup slower than this counts as failed (default 2 s). */
  timeoutMs?: number;
}

/**
 * `cloud_resources.is_wedding_critical` behind a small TTL cache, because the notification
 * payloads do not carry it. Lookups of one resource in flight together share one query. The
 * query runs in `withOrganization` keeping the connection's own role, so it works for the owner
 * and for a login that is subject to row-level security alike.
 */
export function createWeddingCriticalLookup(options: WeddingCriticalLookupOptions): WeddingCriticalLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cache = new Map<string, { value: boolean; expiresAt: number }>();
  const inFlight = new Map<string, Promise<boolean>>();

  const keyOf = (organizationId: string, resourceId: string) => `${organizationId}/${resourceId.toLowerCase()}`;

  function peek(organizationId: string, resourceId: string): boolean | undefined {
    const key = keyOf(organizationId, resourceId);
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= Date.now()) {
      cache.delete(key);
      return undefined;
    }
    return hit.value;
  }

  async function query(organizationId: string, resourceId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`is_wedding_critical lookup took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    const lookup = withOrganization(
      options.db,
      organizationId,
      (tx) =>
        tx.query.cloudResources.findFirst({
          columns: { isWeddingCritical: true },
          where: (r, { and, eq }) => and(eq(r.id, resourceId), eq(r.organizationId, organizationId)),
        }),
      { role: null },
    );
    try {
      const row = await Promise.race([lookup, timeout]);
      return row?.isWeddingCritical === true;
    } finally {
      clearTimeout(timer);
      lookup.catch(() => undefined);
    }
  }

  return {
    peek,
    get(organizationId, resourceId) {
      const cached = peek(organizationId, resourceId);
      if (cached !== undefined) return Promise.resolve(cached);
      const key = keyOf(organizationId, resourceId);
      const pending = inFlight.get(key);
      if (pending) return pending;
      const promise = query(organizationId, resourceId)
        .then((value) => {
          if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
          cache.set(key, { value, expiresAt: Date.now() + ttlMs });
          return value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
  };
}
