import type { Gauge } from "prom-client";
import type { Logger } from "../logger.ts";

/**
 * One read that several gauges share per scrape (one query, one round of Redis calls). prom-client
 * collects every metric of a registry at once, so the calls of one scrape join the read in flight.
 * A read that fails or outlasts `timeoutMs` yields `undefined` and sets
 * `cloudsync_metrics_source_up{source}` to 0: /metrics still answers, with the process's own
 * metrics, instead of failing the whole scrape because PostgreSQL or Redis is down.
 */
export type ScrapeSource<T> = () => Promise<T | undefined>;

export interface ScrapeSourceOptions<T> {
  /** `postgres`, `redis`: the value of the `source` label. */
  name: string;
  read: () => Promise<T>;
  up: Gauge<"source">;
  /** Default 5 s, below Prometheus' default scrape timeout (10 s). */
  timeoutMs?: number;
  logger?: Logger;
}

export function createScrapeSource<T>(options: ScrapeSourceOptions<T>): ScrapeSource<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  // A read that outlasted its scrape keeps running; later scrapes wait on it rather than start
  // another, so a hung database gets one metrics query, not one more per scrape, and the pool
  // the syncs share is not drained by them.
  let running: Promise<T> | undefined;
  let scrape: Promise<T | undefined> | undefined;
  const startRead = (): Promise<T> => {
    const read = options.read().finally(() => {
      if (running === read) running = undefined;
    });
    // Nobody may be waiting any more when it settles (its scrape timed out).
    read.catch(() => undefined);
    return read;
  };
  const scrapeOnce = async (): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      running ??= startRead();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const value = await Promise.race([running, timeout]);
      options.up.set({ source: options.name }, 1);
      return value;
    } catch (error) {
      options.up.set({ source: options.name }, 0);
      const reason = error instanceof Error ? error.message : String(error);
      options.logger?.warn({ source: options.name, err: reason.slice(0, 300) }, "metrics from this source are missing from this scrape; check that it is reachable");
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    scrape ??= scrapeOnce().finally(() => {
      scrape = undefined;
    });
    return scrape;
  };
}
