import type { RateLimiter } from "../common/rate-limiter.ts";
import { CloudError, MalformedItemError } from "../errors.ts";
import { type ReadFailure, type ReadStep, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, CostEvent, CostQuery, NormalizedCostLine } from "../types.ts";
import type { BillingQueryClient, BigQueryRetrySettings } from "./bigquery.ts";
import { isMissingResourceColumn, toBillingError } from "./billing-failures.ts";
import { type BillingExportVariant, type BillingRow, billingQuerySql } from "./billing-query.ts";
import type { BillingExportTable } from "./billing-table.ts";
import { normalizeCostRow } from "./normalize-costs.ts";
import { requestKey } from "./transport.ts";

export interface CostReaderDeps {
  projects: readonly string[];
  /** Null when the adapter was configured without `billingExportTable`. */
  table: BillingExportTable | null;
  jobProject: string | null;
  location: string | undefined;
  pageSize: number;
  concurrency: number;
  retry: BigQueryRetrySettings;
  secrets: readonly string[];
  logger: AdapterLogger | undefined;
  limiter: () => RateLimiter;
  client: () => Promise<BillingQueryClient>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The rate-limit key of a project's cost queries. */
export const billingApiPath = "bigquery/queries";

export function validateCostQuery(query: CostQuery): void {
  for (const [name, day] of [["start", query.start], ["end", query.end]] as const) {
    if (typeof day !== "string" || !DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new RangeError(`CostQuery.${name} must be a YYYY-MM-DD day, got ${JSON.stringify(day)}`);
    }
  }
  if (query.start > query.end) throw new RangeError(`CostQuery.start (${query.start}) is after end (${query.end})`);
}

/**
 * Daily costs from the Cloud Billing export in BigQuery: one scope per project
 * (`{gcp, project, "global", "costs"}`), each a parameterized query whose result pages become
 * `cost_page` events as they arrive. A scope's `resourceCount` is its number of cost lines.
 */
export function createCostReader(deps: CostReaderDeps): (query: CostQuery) => AsyncIterable<CostEvent> {
  // The export's shape, learned from the first query that tells (detailed unless BigQuery says the
  // table has no `resource` column), then reused by every scope.
  let variant: BillingExportVariant = "detailed";
  const table = deps.table;
  const tableName = table ? `${table.project}.${table.dataset}.${table.table}` : "(not configured)";

  async function* costSteps(project: string, query: CostQuery): AsyncGenerator<ReadStep<NormalizedCostLine>> {
    if (!table || !deps.jobProject) {
      throw new CloudError(
        "gcp",
        `GCP costs for project ${project} need the Cloud Billing export: set billingExportTable ("project.dataset.gcp_billing_export_resource_v1_…")`,
        { account: project },
      );
    }
    // BigQuery's SDK loads with the first cost read: inventory syncs never pay for it.
    const { billingPages, pageDeadlineMs } = await import("./bigquery.ts");
    const client = await deps.client();
    const pagesOf = (which: BillingExportVariant) =>
      billingPages(
        client,
        { sql: billingQuerySql(table, which), project, start: query.start, end: query.end, pageSize: deps.pageSize, location: deps.location },
        { limiter: deps.limiter(), key: requestKey(project, billingApiPath), deadlineMs: pageDeadlineMs(deps.retry), signal: query.signal },
      );
    let shape = variant;
    let pages = pagesOf(shape);
    let first = true;
    for (;;) {
      let step: IteratorResult<BillingRow[]>;
      try {
        step = await pages.next();
      } catch (err) {
        // Only the first call can learn the export's shape; nothing has been yielded yet.
        if (first && shape === "detailed" && isMissingResourceColumn(err)) {
          if (variant === "detailed") {
            deps.logger?.warn(
              { cloud: "gcp", project, table: tableName },
              "the billing export has no resource column (standard export): reading service-level costs without resource ids",
            );
          }
          variant = shape = "standard";
          pages = pagesOf(shape);
          first = false;
          continue;
        }
        throw err;
      }
      first = false;
      if (step.done) break;
      const page: NormalizedCostLine[] = [];
      for (const row of step.value) {
        try {
          page.push(normalizeCostRow(row, project));
        } catch (err) {
          if (!(err instanceof MalformedItemError)) throw err;
          yield { type: "skipped", itemId: err.itemId, reason: err.message };
        }
      }
      if (page.length > 0) yield { type: "items", items: page };
    }
  }

  const toError = (err: unknown, f: ReadFailure<NormalizedCostLine>, query: CostQuery): Error =>
    err instanceof CloudError
      ? err
      : toBillingError(err, {
          project: f.account,
          table: tableName,
          jobProject: deps.jobProject ?? "",
          maxAttempts: deps.retry.maxAttempts,
          secrets: deps.secrets,
          aborted: query.signal?.aborted ?? false,
        });

  return async function* streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
    validateCostQuery(query);
    const reads = deps.projects.map(
      (project): ScopeRead<NormalizedCostLine> => ({
        scopes: [{ cloud: "gcp", account: project, region: "global", kind: "costs" }],
        operation: billingApiPath,
        read: () => costSteps(project, query),
      }),
    );
    yield* runScopes(reads, {
      cloud: "gcp",
      stream: "costs",
      concurrency: deps.concurrency,
      signal: query.signal,
      logger: deps.logger,
      toError: (err, f) => toError(err, f, query),
      page: (scope, lines): CostEvent => ({ type: "cost_page", scope, lines }),
    });
  };
}
