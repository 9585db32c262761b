import { createHash } from "node:crypto";
import path from "node:path";
import type { CloudName, MetricSample } from "@cloudsync/cloud";
import { MetricWriter } from "@cloudsync/sync-worker";
import type { BenchContext } from "../context.ts";
import { copyInto, copyLine, writeCopyFile } from "../copy.ts";
import { settle } from "../database.ts";
import { type Figure, throughputFigure } from "../report.ts";
import { spread } from "../stats.ts";
import { type StoredEstate, sampleColumns, sampleFields, sampleMetrics } from "./history.ts";

/** MetricWriter's sample id: md5 of "resource:epoch" as PostgreSQL prints extract(epoch …) (six decimals). */
export function sampleId(resourceUuid: string, at: Date): string {
  const hex = createHash("md5").update(`${resourceUuid}:${(at.getTime() / 1000).toFixed(6)}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The month partition two months ahead: empty, so every run of both methods starts alike. */
function ingestMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
}

/**
 * (c) Metrics ingest: the same M samples through MetricWriter (JSON recordset, ON CONFLICT DO
 * NOTHING, health scored in TypeScript) and through raw COPY of pre-rendered rows (same ids,
 * same columns), both into the partitioned table, landing in one monthly partition that is
 * emptied before each run.
 */
export async function measureIngest(ctx: BenchContext, stored: StoredEstate): Promise<{ copy: Figure; writer: Figure }> {
  const { estate, tenant } = ctx;
  const { sql } = ctx.db;
  const m = ctx.options.ingestSamples;
  const start = ingestMonth(ctx.now);
  const partition = `infrastructure_monitoring_p${start.toISOString().slice(0, 7).replace("-", "")}`;
  await sql`select ensure_monitoring_partitions(${start.toISOString().slice(0, 10)}::date, 0)`;

  // The samples, as adapters hand them over, grouped by provider into pages.
  const byCloud: Record<CloudName, MetricSample[]> = { aws: [], azure: [], gcp: [], digitalocean: [], linode: [], vultr: [] };
  const cloudOf = (i: number) => estate.scopeAt(i).cloud;
  const uuidOf = new Map<string, string>();
  for (let s = 0; s < m; s++) {
    const i = s % estate.size;
    const round = Math.floor(s / estate.size);
    const cloud = cloudOf(i);
    const at = new Date(start.getTime() + round * 300_000 + (i % 300) * 1000);
    byCloud[cloud].push({
      cloud,
      account: estate.scopeAt(i).scope.account,
      resourceId: stored.resourceIds[i]!,
      timestamp: at.toISOString(),
      metrics: sampleMetrics(ctx, i, 2_000_000 + round, cloud),
    });
    uuidOf.set(stored.resourceIds[i]!, stored.ids[i]!);
  }
  const file = path.join(ctx.scratch, "samples.copy");
  function* lines() {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      for (const sample of byCloud[cloud]) {
        const uuid = uuidOf.get(sample.resourceId)!;
        const at = new Date(sample.timestamp);
        yield copyLine([sampleId(uuid, at), ...sampleFields(tenant.organizationId, uuid, at, sample.metrics)]);
      }
    }
  }
  const rendered = await writeCopyFile(file, lines());

  const targets: Record<CloudName, { id: string; resourceId: string; isWeddingCritical: boolean; name: string }[]> = { aws: [], azure: [], gcp: [], digitalocean: [], linode: [], vultr: [] };
  for (let i = 0; i < estate.size; i++) {
    targets[cloudOf(i)].push({ id: stored.ids[i]!, resourceId: stored.resourceIds[i]!, isWeddingCritical: estate.isWeddingCritical(i), name: `r${i}` });
  }

  const copyRates: number[] = [];
  const writerRates: number[] = [];
  const copySeconds: number[] = [];
  const writerSeconds: number[] = [];
  let stored_ = 0;
  for (let run = 1; run <= ctx.options.runs; run++) {
    await sql.unsafe(`truncate ${partition}`);
    await settle(sql);
    const copyStarted = performance.now();
    await copyInto(sql, "infrastructure_monitoring", ["id", ...sampleColumns], { file });
    const copyMs = performance.now() - copyStarted;

    await sql.unsafe(`truncate ${partition}`);
    await settle(sql);
    let writerMs = 0;
    stored_ = 0;
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      const writer = new MetricWriter(ctx.db.test.db, { organizationId: tenant.organizationId, providerId: tenant.providers[cloud] }, targets[cloud]);
      const samples = byCloud[cloud];
      for (let p = 0; p < samples.length; p += ctx.options.pageSize) {
        const page = samples.slice(p, p + ctx.options.pageSize);
        const started = performance.now();
        await writer.writePage(page);
        writerMs += performance.now() - started;
      }
      // Pages still in flight belong to the ingest's time.
      const started = performance.now();
      await writer.flush();
      writerMs += performance.now() - started;
      stored_ += writer.counts.stored;
    }
    if (stored_ !== m) throw new Error(`MetricWriter stored ${stored_} of ${m} samples`);
    copyRates.push(rendered.rows / (copyMs / 1000));
    writerRates.push(m / (writerMs / 1000));
    copySeconds.push(copyMs / 1000);
    writerSeconds.push(writerMs / 1000);
    ctx.log(`ingest run ${run}: COPY ${(copyMs / 1000).toFixed(2)} s, MetricWriter ${(writerMs / 1000).toFixed(2)} s (${m} samples)`);
  }
  await sql.unsafe(`truncate ${partition}`);
  const copy = throughputFigure({
    id: "ingest.copy_samples",
    label: "Raw COPY of samples into infrastructure_monitoring (partitioned)",
    unit: "rows/s",
    perRun: spread(copyRates),
    baseline: "self",
    ratioMeaning: "the baseline itself",
    detail: { samples: m, seconds: spread(copySeconds), bytesPerRow: Math.round(rendered.bytes / rendered.rows), partition },
  });
  const writer = throughputFigure({
    id: "ingest.metric_writer",
    label: "MetricWriter.writePage (pages of 1000)",
    unit: "rows/s",
    perRun: spread(writerRates),
    baseline: copy,
    ratioMeaning: "× raw COPY rows/s",
    detail: { samples: m, seconds: spread(writerSeconds), stored: stored_ },
  });
  return { copy, writer };
}
