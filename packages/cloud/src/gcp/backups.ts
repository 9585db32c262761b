// A type only, erased at run time: the client itself is imported on the first backup read.
import type { SqlBackupRunsServiceClient } from "@google-cloud/sql/build/src/v1/sql_backup_runs_service_client.js";
import { mergeBounded } from "../common/merge.ts";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import type { GcpReadContext } from "./kinds/kind.ts";
import { configurationOfSqlInstance, executionOfBackupRun } from "./normalize-backups.ts";

/**
 * Cloud SQL backups of one project: every instance's automated-backup setting (from
 * `instances.list`, → configurations) and its backup runs (`backupRuns.list` per instance, four
 * instances at a time, newest first, read until a run starts before the query's start, → executions). One scope per
 * project, `gcp:<project>:*:backups`. The Cloud SQL Admin clients are imported by path on the
 * first backup read, like the instance kind's.
 */
export function gcpBackupRead(project: string, since: Date, contextOf: (signal: AbortSignal | undefined) => GcpReadContext): ScopeRead<BackupRecord> {
  const scope: ScopeRef = { cloud: "gcp", account: project, region: "*", kind: "backups" };
  return { scopes: [scope], operation: "instances", read: (state) => steps(contextOf(state.signal), since, state) };
}

async function* steps(ctx: GcpReadContext, since: Date, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const [{ SqlInstancesServiceClient }, { SqlBackupRunsServiceClient }] = await Promise.all([
    import("@google-cloud/sql/build/src/v1/sql_instances_service_client.js"),
    import("@google-cloud/sql/build/src/v1/sql_backup_runs_service_client.js"),
  ]);
  const instances = ctx.clients.get(SqlInstancesServiceClient);
  const runs = ctx.clients.get(SqlBackupRunsServiceClient);
  let pageToken: string | undefined;
  do {
    state.operation = "instances";
    const [response] = await instances.list({ project: ctx.project, maxResults: ctx.pageSize, ...(pageToken ? { pageToken } : {}) }, ctx.callOptions);
    const backedUp: string[] = [];
    for (const raw of response.items ?? []) {
      const item = raw as unknown as Record<string, unknown>;
      const config = configurationOfSqlInstance(item, ctx.project);
      if (!config) continue;
      yield { type: "items", items: [config] };
      backedUp.push(item.name as string);
    }
    // One request chain per instance, a few at a time: read one after another, a project of
    // hundreds of instances took half a minute of round trips. The project's rate limiter still
    // paces the requests themselves.
    state.operation = "instances/*/backupRuns";
    yield* mergeBounded(backedUp.map((name) => () => runsOf(runs, ctx, name, since)), backupRunConcurrency);
    pageToken = response.nextPageToken || undefined;
  } while (pageToken);
}

/** Instances whose backup runs are read at once. */
const backupRunConcurrency = 4;

/** One instance's backup runs, newest first, until one started before `since`. */
async function* runsOf(
  runs: SqlBackupRunsServiceClient,
  ctx: GcpReadContext,
  name: string,
  since: Date,
): AsyncGenerator<ReadStep<BackupRecord>> {
  let runToken: string | undefined;
  do {
    const [page] = await runs.list({ project: ctx.project, instance: name, maxResults: ctx.pageSize, ...(runToken ? { pageToken: runToken } : {}) }, ctx.callOptions);
    const records: BackupRecord[] = [];
    let older = false;
    for (const raw of page.items ?? []) {
      const run = raw as unknown as Record<string, unknown>;
      const out = executionOfBackupRun(run, ctx.project, name);
      if ("skip" in out) {
        yield { type: "skipped", itemId: String(run.id ?? ""), reason: out.skip };
        continue;
      }
      // Newest first: once a run started before the window, the rest did too.
      if (new Date(out.startedAt) < since) {
        older = true;
        break;
      }
      records.push(out);
    }
    if (records.length > 0) yield { type: "items", items: records };
    runToken = older ? undefined : page.nextPageToken || undefined;
  } while (runToken);
}
