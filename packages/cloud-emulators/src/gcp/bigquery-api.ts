/**
 * The BigQuery REST surface the `@google-cloud/bigquery` client uses to read the billing export:
 * jobs.query (`POST /bigquery/v2/projects/{p}/queries`), jobs.getQueryResults
 * (`GET …/queries/{jobId}?pageToken=&maxResults=`) and jobs.get (`GET …/jobs/{jobId}`).
 *
 * It does not run SQL: it checks that the query names the configured export table (404 otherwise),
 * that a standard export is not asked for `resource.` columns (400 invalidQuery, as BigQuery
 * answers), reads the named parameters `@project` (STRING), `@start` and `@end` (DATE), and serves
 * the estate's billing rows for that window, every column a STRING as the adapter's query casts
 * them. Page tokens are positions (day, line), so any page is computed on demand.
 */
import type { FaultState } from "../faults.ts";
import { billingColumns, daysBetween, type GcpBilling } from "./billing.ts";
import type { RoutedRequest } from "./routed.ts";
import { googleError } from "./wire.ts";

export interface BillingExportTableName {
  project: string;
  dataset: string;
  table: string;
}

interface Job {
  id: string;
  jobProject: string;
  query: string;
  /** The `@project` parameter (the scope the fault knobs match by). */
  project: string;
  days: string[];
  pendingPolls: number;
}

const DEFAULT_MAX_RESULTS = 10_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class BigQueryApi {
  private readonly jobs = new Map<string, Job>();
  private jobCounter = 0;
  /** The next N polls of new jobs answer `jobComplete: false` first. */
  pendingPolls = 0;

  constructor(
    private readonly billing: GcpBilling,
    private readonly table: BillingExportTableName,
    private readonly exportKind: "detailed" | "standard",
    private readonly faults: FaultState,
  ) {}

  get tablePath(): string {
    return `${this.table.project}.${this.table.dataset}.${this.table.table}`;
  }

  route(method: string, pathname: string, url: URL, body: string): RoutedRequest | null {
    const match = /^\/bigquery\/v2\/projects\/([^/]+)\/(queries|jobs)(?:\/([^/]+))?$/.exec(pathname);
    if (!match) return null;
    const jobProject = decodeURIComponent(match[1] as string);
    const collection = match[2] as string;
    const jobId = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    if (collection === "queries" && jobId === undefined && method === "POST") {
      let request: Record<string, unknown> | null = null;
      try {
        request = JSON.parse(body) as Record<string, unknown>;
      } catch {
        request = null;
      }
      const project = request ? stringParam(request, "project") : null;
      return {
        operation: `${jobProject}/bigquery/queries@${project ?? "?"}`,
        api: "bigquery",
        answer: () => this.query(jobProject, request),
      };
    }
    if (jobId !== undefined && method === "GET") {
      const job = this.jobs.get(jobId);
      return {
        operation: `${jobProject}/bigquery/${collection}/${jobId}@${job?.project ?? "?"}`,
        api: "bigquery",
        answer: () => {
          if (!job || job.jobProject !== jobProject) return notFound(`Not found: Job ${jobProject}:US.${jobId}`);
          return collection === "jobs" ? { status: 200, body: jobResource(job) } : this.results(job, url);
        },
      };
    }
    return { operation: `${jobProject}/bigquery/${collection}`, api: "bigquery", answer: () => notFound(`Not found: ${pathname}`) };
  }

  private query(jobProject: string, request: Record<string, unknown> | null) {
    if (!request || typeof request.query !== "string") return invalid("invalid", "Required parameter is missing: query");
    if (request.useLegacySql === true) return invalid("invalidQuery", "Query parameters cannot be used in legacy SQL queries.");
    const sql = request.query;
    const tables = [...sql.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    const other = tables.find((t) => t !== this.tablePath);
    if (tables.length === 0 || other !== undefined) {
      const [p, d, t] = (other ?? "unknown.unknown.unknown").split(".");
      return notFound(`Not found: Table ${p}:${d}.${t} was not found in location US`);
    }
    if (this.exportKind === "standard" && /\bresource\./.test(sql)) {
      const line = sql.split("\n").findIndex((l) => /\bresource\./.test(l)) + 1;
      return invalid("invalidQuery", `Unrecognized name: resource at [${line}:3]`);
    }
    const project = stringParam(request, "project");
    const start = dateParam(request, "start");
    const end = dateParam(request, "end");
    for (const [name, value] of [["project", project], ["start", start], ["end", end]] as const) {
      if (value === null) return invalid("invalidQuery", `Query parameter '${name}' not found at [1:1]`);
    }
    this.jobCounter += 1;
    const job: Job = {
      id: `job_${this.jobCounter.toString(36)}_${Date.now().toString(36)}`,
      jobProject,
      query: sql,
      project: project as string,
      days: (start as string) <= (end as string) ? daysBetween(start as string, end as string) : [],
      pendingPolls: this.pendingPolls,
    };
    this.pendingPolls = 0;
    this.jobs.set(job.id, job);
    // Old jobs are forgotten, as BigQuery expires results; a long test run stays bounded.
    if (this.jobs.size > 1_000) this.jobs.delete(this.jobs.keys().next().value as string);
    const maxResults = positive(request.maxResults);
    return { status: 200, body: this.page(job, "bigquery#queryResponse", 0, 0, maxResults) };
  }

  private results(job: Job, url: URL) {
    const token = url.searchParams.get("pageToken");
    let day = 0;
    let line = 0;
    if (token) {
      const match = /^day:(\d+):line:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
      if (!match) return invalid("invalid", "Invalid page token.");
      day = Number(match[1]);
      line = Number(match[2]);
    }
    return { status: 200, body: this.page(job, "bigquery#getQueryResultsResponse", day, line, positive(url.searchParams.get("maxResults"))) };
  }

  private page(job: Job, kind: string, dayIndex: number, lineIndex: number, maxResults: number | null): Record<string, unknown> {
    const jobReference = { projectId: job.jobProject, jobId: job.id, location: "US" };
    if (job.pendingPolls > 0) {
      job.pendingPolls -= 1;
      return { kind, jobReference, jobComplete: false };
    }
    const max = maxResults ?? DEFAULT_MAX_RESULTS;
    const malformed = new Set(this.faults.plan.malformedItemIds ?? []);
    const rows: { f: { v: string | null }[] }[] = [];
    let d = dayIndex;
    let i = lineIndex;
    while (d < job.days.length && rows.length < max) {
      const day = job.days[d] as string;
      const count = this.billing.lineCount(job.project, day);
      while (i < count && rows.length < max) {
        const line = this.billing.line(job.project, day, i);
        i += 1;
        if (!line) continue;
        const values = { ...line.values };
        if (this.exportKind === "standard") {
          values.resource_name = null;
          values.resource_global_name = null;
        }
        const key = line.expected.rowKey;
        if (malformed.has(key) || malformed.has(key.split(/[@#]/)[0] as string)) {
          // What a row whose usage time and cost were lost would look like.
          values.usage_date = null;
          values.amount = null;
        }
        rows.push({ f: billingColumns.map((column) => ({ v: values[column] })) });
      }
      if (i >= count) {
        d += 1;
        i = 0;
      }
    }
    const body: Record<string, unknown> = {
      kind,
      etag: `"${job.id}-${dayIndex}-${lineIndex}"`,
      schema: { fields: billingColumns.map((name) => ({ name, type: "STRING", mode: "NULLABLE" })) },
      jobReference,
      totalRows: String(this.totalRows(job)),
      totalBytesProcessed: String(job.days.length * 1_048_576),
      jobComplete: true,
      cacheHit: false,
    };
    if (rows.length > 0) body.rows = rows;
    if (d < job.days.length) body.pageToken = Buffer.from(`day:${d}:line:${i}`, "utf8").toString("base64url");
    return body;
  }

  private totalRows(job: Job): number {
    let n = 0;
    for (const day of job.days) n += this.billing.liveLineCount(job.project, day);
    return n;
  }
}

function jobResource(job: Job): Record<string, unknown> {
  return {
    kind: "bigquery#job",
    id: `${job.jobProject}:US.${job.id}`,
    jobReference: { projectId: job.jobProject, jobId: job.id, location: "US" },
    configuration: { jobType: "QUERY", query: { query: job.query, useLegacySql: false } },
    status: job.pendingPolls > 0 ? { state: "RUNNING" } : { state: "DONE" },
  };
}

function parameters(request: Record<string, unknown>): { name?: string; parameterType?: { type?: string }; parameterValue?: { value?: unknown } }[] {
  return Array.isArray(request.queryParameters) ? (request.queryParameters as never[]) : [];
}

function stringParam(request: Record<string, unknown>, name: string): string | null {
  const p = parameters(request).find((q) => q.name === name);
  const value = p?.parameterValue?.value;
  return p?.parameterType?.type === "STRING" && typeof value === "string" ? value : null;
}

function dateParam(request: Record<string, unknown>, name: string): string | null {
  const p = parameters(request).find((q) => q.name === name);
  const value = p?.parameterValue?.value;
  return p?.parameterType?.type === "DATE" && typeof value === "string" && DAY.test(value) ? value : null;
}

function positive(value: unknown): number | null {
  const n = Number(value);
  return value !== null && value !== undefined && value !== "" && Number.isInteger(n) && n > 0 ? n : null;
}

function invalid(reason: string, message: string) {
  return { status: 400, body: googleError(400, "INVALID_ARGUMENT", reason, message) };
}

function notFound(message: string) {
  return { status: 404, body: googleError(404, "NOT_FOUND", "notFound", message) };
}
