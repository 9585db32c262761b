import { RegionRegistry, ResourceWriter, type ResourceWriteCounts } from "@cloudsync/sync-worker";
import type { BenchContext } from "../context.ts";
import { settle } from "../database.ts";
import type { EstateVersion } from "../estate.ts";
import { type Figure, throughputFigure } from "../report.ts";
import { spread } from "../stats.ts";
import { type WriteFootprint, startFootprintProbe, writesBeyondBookkeeping } from "../write-footprint.ts";

export interface SyncPass {
  /** Time spent inside ResourceWriter (page generation, standing in for the adapter, is excluded). */
  ms: number;
  /** Resources handed to the writer. */
  resources: number;
  counts: ResourceWriteCounts;
}

/**
 * One sync of every provider through the worker's ResourceWriter, scope by scope and page by
 * page as the adapters emit them, each scope completed so vanished resources are terminated.
 * Providers run one after another, like one worker process handling one job at a time.
 */
export async function syncEstate(
  ctx: BenchContext,
  version: EstateVersion,
  onProvider?: (cloud: string, resourcesSoFar: number) => void,
): Promise<SyncPass> {
  const { estate, tenant } = ctx;
  const db = ctx.db.test.db;
  const total: ResourceWriteCounts = { inserted: 0, updated: 0, unchanged: 0, terminated: 0, scaled: 0 };
  let ms = 0;
  let resources = 0;
  for (const cloud of ["aws", "azure", "gcp"] as const) {
    const providerId = tenant.providers[cloud];
    const [run] = await ctx.db.sql<{ id: string }[]>`
      insert into sync_runs (organization_id, provider_id, kind, status, trigger)
      values (${tenant.organizationId}, ${providerId}, 'resources', 'running', 'manual') returning id`;
    const writer = new ResourceWriter(db, new RegionRegistry(db, { organizationId: tenant.organizationId, providerId }, []), {
      organizationId: tenant.organizationId,
      providerId,
      createdBy: tenant.userId,
      syncRunId: run!.id,
    });
    for (const es of estate.scopesOf(cloud)) {
      for (const page of estate.pages(es, version, ctx.options.pageSize)) {
        resources += page.length;
        const started = performance.now();
        await writer.writePage(es.scope, page);
        ms += performance.now() - started;
      }
      const started = performance.now();
      await writer.completeScope(es.scope);
      ms += performance.now() - started;
    }
    // Pages and terminations still in flight belong to this sync's time.
    const started = performance.now();
    await writer.flush();
    ms += performance.now() - started;
    for (const key of Object.keys(total) as (keyof ResourceWriteCounts)[]) total[key] += writer.counts[key];
    await ctx.db.sql`update sync_runs set status = 'succeeded', finished_at = now() where id = ${run!.id}`;
    onProvider?.(cloud, resources);
  }
  return { ms, resources, counts: total };
}

export interface WriterFigures {
  firstSync: Figure;
  unchanged: Figure;
  churned: Figure;
  /** What the unchanged re-sync wrote besides its sync_runs rows: should be nothing. */
  unchangedWrites: Figure;
}

/**
 * (b) The worker's write path: a first full sync into the empty table, a re-sync of the same
 * estate, and a re-sync in which 10 % changed and 1 % vanished. Every run starts from a
 * truncated table; the last run's churned state stays for the steps after it.
 */
export async function measureWriter(ctx: BenchContext, copyBaseline: Figure | null): Promise<WriterFigures> {
  const { sql } = ctx.db;
  const first: SyncPass[] = [];
  const unchanged: SyncPass[] = [];
  const churned: SyncPass[] = [];
  let footprint: WriteFootprint | null = null;
  for (let run = 1; run <= ctx.options.runs; run++) {
    await sql`truncate cloud_resources, resource_changes, resource_scaling_history, sync_runs cascade`;
    await settle(sql);
    first.push(await syncEstate(ctx, "base"));
    // What autovacuum would have done by the next scheduled sync (and, done now, it cannot
    // start in the middle of the measured re-sync and write WAL that is not the sync's).
    await sql`vacuum analyze cloud_resources`;
    await settle(sql);
    // The write footprint once (the probe waits for table statistics to be published); the
    // timed pass is the same work with or without it.
    const probe = run === 1 ? await startFootprintProbe(sql) : null;
    unchanged.push(await syncEstate(ctx, "base"));
    if (probe) footprint = await probe.finish();
    await settle(sql);
    churned.push(await syncEstate(ctx, "churned"));
    const [f, u, c] = [first.at(-1)!, unchanged.at(-1)!, churned.at(-1)!];
    ctx.log(
      `writer run ${run}: first sync ${(f.ms / 1000).toFixed(2)} s, unchanged ${(u.ms / 1000).toFixed(2)} s, ` +
        `churned ${(c.ms / 1000).toFixed(2)} s (${c.counts.updated} updated, ${c.counts.terminated} terminated)`,
    );
    if (f.counts.inserted !== ctx.estate.size) throw new Error(`the first sync inserted ${f.counts.inserted} of ${ctx.estate.size} resources`);
    if (u.counts.unchanged !== ctx.estate.size) throw new Error(`the unchanged re-sync found ${u.counts.unchanged} of ${ctx.estate.size} unchanged`);
  }
  const rate = (passes: SyncPass[]) => spread(passes.map((p) => p.resources / (p.ms / 1000)));
  const seconds = (passes: SyncPass[]) => spread(passes.map((p) => p.ms / 1000));
  const firstSync = throughputFigure({
    id: "writer.first_sync",
    label: "ResourceWriter: first full sync (hash, insert, up to two pages in flight)",
    unit: "rows/s",
    perRun: rate(first),
    baseline: copyBaseline,
    ratioMeaning: "× raw COPY rows/s",
    detail: { seconds: seconds(first), counts: first.at(-1)!.counts, resources: first.at(-1)!.resources },
  });
  return {
    firstSync,
    unchanged: throughputFigure({
      id: "writer.resync_unchanged",
      label: "ResourceWriter: re-sync, nothing changed",
      unit: "resources/s",
      perRun: rate(unchanged),
      baseline: copyBaseline,
      ratioMeaning: "× raw COPY rows/s",
      detail: { seconds: seconds(unchanged), counts: unchanged.at(-1)!.counts, resources: unchanged.at(-1)!.resources },
    }),
    churned: throughputFigure({
      id: "writer.resync_churned",
      label: "ResourceWriter: re-sync, 10 % changed and 1 % vanished",
      unit: "resources/s",
      perRun: rate(churned),
      baseline: copyBaseline,
      ratioMeaning: "× raw COPY rows/s",
      detail: { seconds: seconds(churned), counts: churned.at(-1)!.counts, resources: churned.at(-1)!.resources },
    }),
    unchangedWrites: footprintFigure(footprint!),
  };
}

/**
 * The unchanged re-sync's writes: the figure is the number of tables other than `sync_runs`
 * that got a row, a dead tuple or a WAL record from it (0 is right); the detail has the WAL
 * bytes and rows per table, so a regression names the table it touched.
 */
function footprintFigure(footprint: WriteFootprint): Figure {
  const beyond = writesBeyondBookkeeping(footprint);
  return {
    id: "writer.resync_unchanged_writes",
    label: "ResourceWriter: re-sync, nothing changed — tables written besides sync_runs (rows, dead tuples or WAL)",
    unit: "tables",
    value: beyond.length,
    statistic: "max of runs",
    min: beyond.length,
    max: beyond.length,
    runs: [beyond.length],
    baseline: null,
    ratio: null,
    ratioMeaning: "",
    detail: {
      tablesWritten: beyond,
      walBytes: footprint.walBytes,
      walRecords: footprint.walRecords,
      walBytesByTable: footprint.walBytesByTable,
      walRowLockBytesByTable: footprint.walLockBytesByTable,
      rowLocksAllowedOn: footprint.bookkeepingParents,
      rowsWrittenByTable: footprint.rowsWrittenByTable,
      deadTuplesByTable: footprint.deadTuplesByTable,
      measuredWith:
        "pg_walinspect over pg_current_wal_insert_lsn() before and after (records of this database, by relation; '(none)' = commits and other records without a relation; row-lock records apart, allowed only on the tables sync_runs references, which its foreign-key checks lock), pg_stat_user_tables n_tup_ins+n_tup_upd+n_tup_del and n_dead_tup read after 11 s of quiet",
    },
  };
}

/** Brings the estate to its churned state without measuring (when the writer step is skipped). */
export async function loadEstate(ctx: BenchContext): Promise<void> {
  // At 1M resources each pass takes minutes: say where it is, once per provider.
  for (const version of ["base", "churned"] as const) {
    const started = performance.now();
    await syncEstate(ctx, version, (cloud, done) =>
      ctx.log(`setup: ${version} estate, ${cloud} written (${done} of ${ctx.estate.size} resources, ${((performance.now() - started) / 1000).toFixed(0)} s)`),
    );
  }
}
