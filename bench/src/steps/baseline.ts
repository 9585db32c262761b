import path from "node:path";
import { toResourceRow } from "@cloudsync/sync-worker";
import type { BenchContext } from "../context.ts";
import { copyInto, copyLine, writeCopyFile } from "../copy.ts";
import { settle } from "../database.ts";
import { type Figure, throughputFigure } from "../report.ts";
import { spread, timed } from "../stats.ts";

/** The columns the worker writes on insert, in the order the COPY file carries them. */
export const resourceColumns = [
  "organization_id",
  "provider_id",
  "region_id",
  "resource_id",
  "resource_name",
  "resource_type",
  "resource_subtype",
  "size_category",
  "configuration",
  "resource_status",
  "tags",
  "environment",
  "is_wedding_critical",
  "created_by",
  "cloud_account_id",
  "sync_scope",
  "content_hash",
] as const;

/**
 * Renders the base version of the estate as COPY text, exactly the rows the worker's first sync
 * inserts (same content hashes, region ids, environment and flags).
 */
export async function renderResourceCopyFile(ctx: BenchContext): Promise<{ file: string; rows: number; bytes: number }> {
  const file = path.join(ctx.scratch, "resources.copy");
  const { estate, tenant } = ctx;
  function* lines() {
    for (const es of estate.scopes) {
      for (let i = es.start; i < es.start + es.count; i++) {
        const resource = estate.resource(i, "base")!;
        const row = toResourceRow(resource, es.scope);
        yield copyLine([
          tenant.organizationId,
          tenant.providers[es.cloud],
          tenant.regions[es.cloud].get(row.region_code),
          row.resource_id,
          row.resource_name,
          row.resource_type,
          row.resource_subtype,
          row.size_category,
          row.configuration,
          row.resource_status,
          row.tags,
          row.environment ?? "development",
          row.is_wedding_critical ?? false,
          tenant.userId,
          row.cloud_account_id,
          row.sync_scope,
          row.content_hash,
        ]);
      }
    }
  }
  const { rows, bytes } = await writeCopyFile(file, lines());
  return { file, rows, bytes };
}

/**
 * Baseline (a): PostgreSQL's own COPY of the same rows. The fair baseline is the real table,
 * truncated: the same indexes, CHECKs, foreign keys (four lookups per row) and triggers the
 * writer pays for. `LIKE cloud_resources INCLUDING ALL` copies indexes and CHECKs but not
 * foreign keys, so it is reported beside it as the floor without referential checks.
 */
export async function measureBaseline(ctx: BenchContext): Promise<{ real: Figure; like: Figure }> {
  const { sql } = ctx.db;
  ctx.log("baseline: rendering the estate as COPY text");
  const rendered = await renderResourceCopyFile(ctx);
  const realRates: number[] = [];
  const likeRates: number[] = [];
  const realSeconds: number[] = [];
  const likeSeconds: number[] = [];
  for (let run = 1; run <= ctx.options.runs; run++) {
    await sql`truncate cloud_resources, resource_changes, resource_scaling_history, sync_runs cascade`;
    await settle(sql);
    const real = await timed(() => copyInto(sql, "cloud_resources", resourceColumns, { file: rendered.file }));
    realRates.push(rendered.rows / (real.ms / 1000));
    realSeconds.push(real.ms / 1000);

    await sql`drop table if exists bench_resources_like`;
    await sql`create table bench_resources_like (like cloud_resources including all)`;
    await settle(sql);
    const like = await timed(() => copyInto(sql, "bench_resources_like", resourceColumns, { file: rendered.file }));
    likeRates.push(rendered.rows / (like.ms / 1000));
    likeSeconds.push(like.ms / 1000);
    await sql`drop table bench_resources_like`;
    ctx.log(`baseline run ${run}: COPY into cloud_resources ${(real.ms / 1000).toFixed(2)} s, into a LIKE copy ${(like.ms / 1000).toFixed(2)} s (${rendered.rows} rows)`);
  }
  await sql`truncate cloud_resources, resource_changes, resource_scaling_history, sync_runs cascade`;
  const detail = { rows: rendered.rows, copyBytes: rendered.bytes, bytesPerRow: Math.round(rendered.bytes / rendered.rows) };
  const real = throughputFigure({
    id: "baseline.copy_cloud_resources",
    label: "Raw COPY into cloud_resources (truncated: same indexes, FKs, triggers)",
    unit: "rows/s",
    perRun: spread(realRates),
    baseline: "self",
    ratioMeaning: "the baseline itself",
    detail: { ...detail, seconds: spread(realSeconds) },
  });
  const like = throughputFigure({
    id: "baseline.copy_like_table",
    label: "Raw COPY into LIKE cloud_resources INCLUDING ALL (no FKs, no triggers)",
    unit: "rows/s",
    perRun: spread(likeRates),
    baseline: real,
    ratioMeaning: "× the COPY into the real table",
    detail: { ...detail, seconds: spread(likeSeconds) },
  });
  return { real, like };
}
