import { sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "../src/gcp/index.ts";

const AUTH = "https://www.googleapis.com/auth/";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function bearer(emu: GcpEmulator, scopes: string[]): Promise<string> {
  const key = emu.serviceAccountKey;
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iss: key.client_email, scope: scopes.join(" "), aud: key.token_uri, iat: now, exp: now + 3600 })}`;
  const assertion = `${head}.${sign("RSA-SHA256", Buffer.from(head), key.private_key).toString("base64url")}`;
  const res = await fetch(emu.tokenUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Exact decimal sum in the test itself: integer nano-units (the export has at most 9 decimals). */
function nanos(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const value = BigInt(m[2] as string) * 1_000_000_000n + BigInt((m[3] ?? "").padEnd(9, "0"));
  return m[1] ? -value : value;
}
function format(total: bigint): string {
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(10, "0");
  const frac = digits.slice(-9).replace(/0+$/, "");
  const text = `${digits.slice(0, -9)}${frac ? `.${frac}` : ""}`;
  return negative && text !== "0" ? `-${text}` : text;
}

interface QueryAnswer {
  kind: string;
  jobReference: { projectId: string; jobId: string; location: string };
  jobComplete: boolean;
  totalRows?: string;
  pageToken?: string;
  schema?: { fields: { name: string; type: string }[] };
  rows?: { f: { v: string | null }[] }[];
  error?: { code: number; status: string; message: string; errors: { reason: string }[] };
}

interface Series {
  metric: { type: string; labels: Record<string, string> };
  resource: { type: string; labels: Record<string, string> };
  metricKind: string | number;
  valueType: string | number;
  points: { interval: { startTime: string; endTime: string }; value: { doubleValue?: number; int64Value?: string } }[];
}
interface SeriesAnswer {
  timeSeries?: Series[];
  nextPageToken?: string;
  error?: { code: number; status: string; message: string };
}

describe("GCP emulator: BigQuery billing export", () => {
  let emu: GcpEmulator;
  let token: string;
  const query = (project: string, start: string, end: string, extra: Record<string, unknown> = {}, auth = token) =>
    fetch(`${emu.url}/bigquery/v2/projects/${emu.projects[0]}/queries`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
      body: JSON.stringify({
        query: `SELECT usage_date, amount FROM \`${emu.billingExportTable}\` WHERE project.id = @project AND DATE(usage_start_time) BETWEEN @start AND @end`,
        useLegacySql: false,
        parameterMode: "named",
        queryParameters: [
          { name: "project", parameterType: { type: "STRING" }, parameterValue: { value: project } },
          { name: "start", parameterType: { type: "DATE" }, parameterValue: { value: start } },
          { name: "end", parameterType: { type: "DATE" }, parameterValue: { value: end } },
        ],
        ...extra,
      }),
    }).then(async (res) => ({ status: res.status, json: (await res.json()) as QueryAnswer }));
  const results = (jobId: string, params: string) =>
    fetch(`${emu.url}/bigquery/v2/projects/${emu.projects[0]}/queries/${jobId}?${params}`, { headers: { authorization: `Bearer ${token}` } }).then(
      async (res) => ({ status: res.status, json: (await res.json()) as QueryAnswer }),
    );

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "bill", size: 80 });
    token = await bearer(emu, [`${AUTH}bigquery.readonly`]);
  });
  afterAll(async () => {
    await emu.close();
  });

  it("answers jobs.query and getQueryResults page by page with STRING columns whose amounts sum to the expected total", async () => {
    const project = emu.projects[0] as string;
    const first = await query(project, "2026-10-01", "2026-10-31", { maxResults: 250 });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ kind: "bigquery#queryResponse", jobComplete: true, jobReference: { projectId: project, location: "US" } });
    const fields = first.json.schema?.fields ?? [];
    expect(fields.every((f) => f.type === "STRING")).toBe(true);
    const amountAt = fields.findIndex((f) => f.name === "amount");
    const dayAt = fields.findIndex((f) => f.name === "usage_date");
    const rows = [...(first.json.rows ?? [])];
    let pageToken = first.json.pageToken;
    let pages = 1;
    while (pageToken) {
      const next = await results(first.json.jobReference.jobId, `maxResults=250&pageToken=${pageToken}`);
      expect(next.json.kind).toBe("bigquery#getQueryResultsResponse");
      expect((next.json.rows ?? []).length).toBeLessThanOrEqual(250);
      rows.push(...(next.json.rows ?? []));
      pageToken = next.json.pageToken;
      pages += 1;
    }
    expect(pages).toBeGreaterThan(2);
    const expected = Array.from(emu.expectedCosts(project, "2026-10-01", "2026-10-31"));
    expect(rows).toHaveLength(expected.length);
    expect(String(rows.length)).toBe(first.json.totalRows);
    expect(format(rows.reduce((sum, r) => sum + nanos(r.f[amountAt]?.v as string), 0n))).toBe(emu.expectedCostTotal(project, "2026-10-01", "2026-10-31"));
    expect(new Set(rows.map((r) => r.f[dayAt]?.v)).size).toBe(31);
    const job = await fetch(`${emu.url}/bigquery/v2/projects/${project}/jobs/${first.json.jobReference.jobId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await job.json()).toMatchObject({ kind: "bigquery#job", status: { state: "DONE" } });
  });

  it("derives the bill from the estate: every VM and disk, exact nano amounts, credits, tax and support", () => {
    const project = emu.projects[1] as string;
    const lines = Array.from(emu.expectedCosts(project, "2026-10-01", "2026-10-15"));
    const billed = new Set(lines.filter((l) => l.resourceId).map((l) => l.resourceId));
    const machines = Array.from(emu.expected()).filter((r) => r.account === project && (r.kind === "gce_instance" || r.kind === "gce_disk"));
    expect(billed).toEqual(new Set(machines.map((m) => m.resourceId)));
    expect(lines.some((l) => /\.\d{9}$/.test(l.amount))).toBe(true);
    expect(lines.some((l) => l.amount.startsWith("-"))).toBe(true);
    expect(lines.filter((l) => l.category === "tax").map((l) => l.day)).toEqual(["2026-10-01"]);
    expect(lines.filter((l) => l.category === "support").map((l) => l.day)).toEqual(["2026-10-01"]);
    for (const l of lines) expect(format(nanos(l.amount))).toBe(l.amount);
  });

  it("is deterministic for a seed", async () => {
    const again = await startGcpEmulator({ seed: "bill", size: 80 });
    const other = await startGcpEmulator({ seed: "other", size: 80, projects: emu.projects });
    try {
      const project = emu.projects[0] as string;
      expect(again.expectedCostTotal(project, "2026-10-01", "2026-10-31")).toBe(emu.expectedCostTotal(project, "2026-10-01", "2026-10-31"));
      expect(other.expectedCostTotal(project, "2026-10-01", "2026-10-31")).not.toBe(emu.expectedCostTotal(project, "2026-10-01", "2026-10-31"));
    } finally {
      await again.close();
      await other.close();
    }
  });

  it("answers like BigQuery to a wrong table, a missing parameter, a bad page token and an unknown job", async () => {
    const project = emu.projects[0] as string;
    const wrong = await query(project, "2026-10-01", "2026-10-01", { query: "SELECT 1 FROM `p-123456.other.gcp_billing_export_v1_X` WHERE x = @project AND @start < @end" });
    expect(wrong.status).toBe(404);
    expect(wrong.json.error).toMatchObject({ code: 404, status: "NOT_FOUND", errors: [{ reason: "notFound" }] });
    expect(wrong.json.error?.message).toMatch(/Table p-123456:other\.gcp_billing_export_v1_X was not found/);
    const missing = await query(project, "2026-10-01", "2026-10-01", { queryParameters: [] });
    expect(missing.status).toBe(400);
    expect(missing.json.error?.errors[0]?.reason).toBe("invalidQuery");
    const first = await query(project, "2026-10-01", "2026-10-01", { maxResults: 2 });
    expect((await results(first.json.jobReference.jobId, "pageToken=garbage")).status).toBe(400);
    expect((await results("job_unknown", "")).status).toBe(404);
  });

  it("answers 400 invalidQuery when a standard export is asked for resource columns", async () => {
    const standard = await startGcpEmulator({ seed: "bill", size: 20, billingExport: "standard" });
    try {
      const auth = await bearer(standard, [`${AUTH}bigquery`]);
      const res = await fetch(`${standard.url}/bigquery/v2/projects/${standard.projects[0]}/queries`, {
        method: "POST",
        headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
        body: JSON.stringify({ query: `SELECT\n  resource.global_name\nFROM \`${standard.billingExportTable}\``, useLegacySql: false }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as QueryAnswer;
      expect(body.error?.errors[0]?.reason).toBe("invalidQuery");
      expect(body.error?.message).toMatch(/Unrecognized name: resource at \[2:3\]/);
    } finally {
      await standard.close();
    }
  });

  it("applies the fault knobs by the query's @project, serves malformed rows and incomplete jobs", async () => {
    const [a, b] = emu.projects as [string, string];
    emu.faults.set({ throttle: 1, match: `@${a}` });
    const throttled = await query(a, "2026-10-01", "2026-10-01");
    expect(throttled.status).toBe(429);
    expect(throttled.json.error).toMatchObject({ status: "RESOURCE_EXHAUSTED", errors: [{ reason: "rateLimitExceeded" }] });
    expect((await query(b, "2026-10-01", "2026-10-01")).status).toBe(200);
    emu.faults.clear();

    const line = Array.from(emu.expectedCosts(a, "2026-10-04", "2026-10-04")).find((l) => l.resourceId !== null);
    emu.faults.set({ malformedItemIds: [line?.rowKey as string] });
    const answer = await query(a, "2026-10-04", "2026-10-04");
    emu.faults.clear();
    const fields = answer.json.schema?.fields.map((f) => f.name) ?? [];
    const broken = (answer.json.rows ?? []).filter((r) => r.f[fields.indexOf("usage_date")]?.v === null);
    expect(broken).toHaveLength(1);
    expect(broken[0]?.f[fields.indexOf("amount")]?.v).toBeNull();

    emu.setQueryPendingPolls(1);
    const pending = await query(a, "2026-10-04", "2026-10-04");
    expect(pending.json).toMatchObject({ jobComplete: false });
    expect(pending.json.rows).toBeUndefined();
    const done = await results(pending.json.jobReference.jobId, "");
    expect(done.json.jobComplete).toBe(true);
    expect(done.json.rows?.length).toBe(Number(done.json.totalRows));
  });

  it("accepts only tokens whose scopes allow the API", async () => {
    const project = emu.projects[0] as string;
    const computeOnly = await bearer(emu, [`${AUTH}compute.readonly`]);
    const refused = await query(project, "2026-10-01", "2026-10-01", {}, computeOnly);
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toMatch(/insufficient authentication scopes/);
    const platform = await bearer(emu, [`${AUTH}cloud-platform.read-only`]);
    expect((await query(project, "2026-10-01", "2026-10-01", {}, platform)).status).toBe(200);
    expect((await query(project, "2026-10-01", "2026-10-01", {}, "ya29.made-up")).status).toBe(401);
  });

  it("computes a large estate's pages on demand", async () => {
    const large = await startGcpEmulator({ seed: "bill", size: 50_000 });
    try {
      const auth = await bearer(large, [`${AUTH}bigquery.readonly`]);
      const project = large.projects[0] as string;
      const res = await fetch(`${large.url}/bigquery/v2/projects/${project}/queries`, {
        method: "POST",
        headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
        body: JSON.stringify({
          query: `SELECT amount FROM \`${large.billingExportTable}\``,
          maxResults: 5,
          queryParameters: [
            { name: "project", parameterType: { type: "STRING" }, parameterValue: { value: project } },
            { name: "start", parameterType: { type: "DATE" }, parameterValue: { value: "2026-01-01" } },
            { name: "end", parameterType: { type: "DATE" }, parameterValue: { value: "2026-12-31" } },
          ],
        }),
      });
      const body = (await res.json()) as QueryAnswer;
      expect(body.rows).toHaveLength(5);
      // A year of ~20,000 resources' daily lines, counted without generating them.
      expect(Number(body.totalRows)).toBeGreaterThan(5_000_000);
    } finally {
      await large.close();
    }
  });
});

describe("GCP emulator: Cloud Monitoring timeSeries", () => {
  let emu: GcpEmulator;
  let token: string;
  const START = "2026-10-01T00:00:00Z";
  const END = "2026-10-01T01:00:00Z";
  const list = (project: string, params: Record<string, string>) => {
    const search = new URLSearchParams({ "interval.startTime": START, "interval.endTime": END, "aggregation.alignmentPeriod": "300s", ...params });
    return fetch(`${emu.url}/v3/projects/${project}/timeSeries?${search}`, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => ({
      status: res.status,
      json: (await res.json()) as SeriesAnswer,
    }));
  };
  const filter = (type: string, ids: string[], extra = "") =>
    `metric.type = "${type}" AND resource.type = "gce_instance" AND resource.labels.instance_id = one_of(${ids.map((i) => `"${i}"`).join(",")})${extra}`;

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "mon", size: 120 });
    token = await bearer(emu, [`${AUTH}monitoring.read`]);
  });
  afterAll(async () => {
    await emu.close();
  });

  const running = (project: string) =>
    [...new Set(emu.expectedMetrics(project, { start: new Date(START), end: new Date(END) }).map((s) => s.resourceId))];

  it("serves aligned CPU points newest first, as doubles, matching the expected samples", async () => {
    const project = emu.projects[0] as string;
    const id = running(project)[0] as string;
    const answer = await list(project, { filter: filter("compute.googleapis.com/instance/cpu/utilization", [id]), "aggregation.perSeriesAligner": "ALIGN_MEAN" });
    expect(answer.status).toBe(200);
    const [series] = answer.json.timeSeries ?? [];
    expect(series).toMatchObject({ metricKind: "GAUGE", valueType: "DOUBLE", resource: { type: "gce_instance", labels: { instance_id: id, project_id: project } } });
    expect(series?.points).toHaveLength(12);
    expect(series?.points[0]?.interval).toEqual({ startTime: "2026-10-01T01:00:00Z", endTime: "2026-10-01T01:00:00Z" });
    expect(series?.points[11]?.interval.endTime).toBe("2026-10-01T00:05:00Z");
    const expected = emu.expectedMetrics(project, { instanceIds: [id], start: new Date(START), end: new Date(END) });
    const last = expected[expected.length - 1];
    expect(((series?.points[0]?.value.doubleValue as number) * 100).toFixed(9)).toBe(last?.metrics.cpu_utilization?.toFixed(9));
  });

  it("serves byte counters as DELTA int64 strings, numeric enums when asked, and refuses an aligner that does not fit", async () => {
    const project = emu.projects[0] as string;
    const ids = running(project).slice(0, 6);
    const answer = await list(project, {
      filter: filter("compute.googleapis.com/instance/network/received_bytes_count", ids),
      "aggregation.perSeriesAligner": "14",
      $alt: "json;enum-encoding=int",
    });
    const series = answer.json.timeSeries ?? [];
    expect(series.length).toBeGreaterThanOrEqual(ids.length);
    for (const s of series) {
      expect([s.metricKind, s.valueType]).toEqual([2, 2]);
      expect(s.points[0]?.value.int64Value).toMatch(/^\d+$/);
      expect(s.points[0]?.interval).toEqual({ startTime: "2026-10-01T00:55:00Z", endTime: "2026-10-01T01:00:00Z" });
    }
    // Some VMs also have a load-balanced series, which the adapter must add in.
    expect(series.some((s) => s.metric.labels.loadbalanced === "true")).toBe(true);
    const refused = await list(project, { filter: filter("compute.googleapis.com/instance/network/sent_bytes_count", ids), "aggregation.perSeriesAligner": "ALIGN_MEAN" });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.status).toBe("INVALID_ARGUMENT");
  });

  it("pages by points, splitting a series across pages", async () => {
    const project = emu.projects[0] as string;
    const ids = running(project).slice(0, 2);
    let pageToken: string | undefined;
    const points = new Map<string, number>();
    let pages = 0;
    do {
      const answer = await list(project, {
        filter: filter("compute.googleapis.com/instance/cpu/utilization", ids),
        "aggregation.perSeriesAligner": "ALIGN_MEAN",
        pageSize: "5",
        ...(pageToken ? { pageToken } : {}),
      });
      const onPage = (answer.json.timeSeries ?? []).reduce((n, s) => n + s.points.length, 0);
      expect(onPage).toBeLessThanOrEqual(5);
      for (const s of answer.json.timeSeries ?? []) points.set(s.resource.labels.instance_id as string, (points.get(s.resource.labels.instance_id as string) ?? 0) + s.points.length);
      pageToken = answer.json.nextPageToken;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(5);
    expect([...points.values()]).toEqual([12, 12]);
  });

  it("reports memory and disk only for VMs with the Ops Agent, filtered by state", async () => {
    const project = emu.projects[0] as string;
    const ids = running(project);
    const used = await list(project, { filter: filter("agent.googleapis.com/memory/percent_used", ids, ' AND metric.labels.state = "used"'), "aggregation.perSeriesAligner": "ALIGN_MEAN" });
    const withAgent = new Set((used.json.timeSeries ?? []).map((s) => s.resource.labels.instance_id));
    expect(withAgent.size).toBeGreaterThan(0);
    expect(withAgent.size).toBeLessThan(ids.length);
    for (const s of used.json.timeSeries ?? []) expect(s.metric.labels.state).toBe("used");
    const samples = emu.expectedMetrics(project, { instanceIds: ids, start: new Date(START), end: new Date(END) });
    for (const s of samples) expect("memory_utilization" in s.metrics).toBe(withAgent.has(s.resourceId));
    const all = await list(project, { filter: filter("agent.googleapis.com/disk/percent_used", [...withAgent].filter((i): i is string => i !== undefined)), "aggregation.perSeriesAligner": "ALIGN_MEAN" });
    expect(new Set((all.json.timeSeries ?? []).map((s) => `${s.metric.labels.device}/${s.metric.labels.state}`))).toEqual(new Set(["sda1/used", "sda1/free", "sdb/used", "sdb/free"]));
  });

  it("serves other products' series on their own monitored resources: distributions with an int64 count, filtered by metric labels", async () => {
    const all = [...emu.expected()];
    const service = all.find((r) => r.kind === "gcp_backend_service" && r.region === "global");
    if (!service) throw new Error("the estate has no global backend service");
    const lb = (type: string, extra = "") =>
      `metric.type = "${type}" AND resource.type = "https_lb_rule" AND resource.labels.backend_target_name = one_of("${service.name}")${extra}`;
    const latencies = await list(service.account, { filter: lb("loadbalancing.googleapis.com/https/total_latencies"), "aggregation.perSeriesAligner": "ALIGN_DELTA" });
    expect(latencies.status).toBe(200);
    const [first] = latencies.json.timeSeries ?? [];
    expect(first).toMatchObject({
      metricKind: "DELTA",
      valueType: "DISTRIBUTION",
      resource: { type: "https_lb_rule", labels: { project_id: service.account, backend_target_name: service.name, backend_target_type: "BACKEND_SERVICE" } },
    });
    const value = first?.points[0]?.value as { distributionValue?: { count: string; mean: number } };
    expect(value.distributionValue?.count).toMatch(/^\d+$/);
    expect(typeof value.distributionValue?.mean).toBe("number");
    // ALIGN_MEAN does not fit a DELTA counter: the API refuses it.
    expect((await list(service.account, { filter: lb("loadbalancing.googleapis.com/https/request_count"), "aggregation.perSeriesAligner": "ALIGN_MEAN" })).status).toBe(400);
    const fivexx = await list(service.account, {
      filter: lb("loadbalancing.googleapis.com/https/request_count", " AND metric.labels.response_code_class = 500"),
      "aggregation.perSeriesAligner": "ALIGN_SUM",
    });
    expect(new Set((fivexx.json.timeSeries ?? []).map((s) => s.metric.labels.response_code_class))).toEqual(new Set(["500"]));
    // The wrong monitored resource finds nothing.
    const wrong = await list(service.account, {
      filter: lb("loadbalancing.googleapis.com/https/request_count").replace("https_lb_rule", "internal_http_lb_rule"),
      "aggregation.perSeriesAligner": "ALIGN_SUM",
    });
    expect(wrong.json.timeSeries).toBeUndefined();
  });

  it("serves regional backend services on the regional resources, with the region label, and filters by it", async () => {
    // An estate large enough to hold regional services of both schemes in one project.
    const big = await startGcpEmulator({ seed: 33, size: 400 });
    const bigToken = await bearer(big, [`${AUTH}monitoring.read`]);
    const list = (project: string, params: Record<string, string>) => {
      const search = new URLSearchParams({ "interval.startTime": START, "interval.endTime": END, "aggregation.alignmentPeriod": "300s", ...params });
      return fetch(`${big.url}/v3/projects/${project}/timeSeries?${search}`, { headers: { authorization: `Bearer ${bigToken}` } }).then(async (res) => ({
        status: res.status,
        json: (await res.json()) as SeriesAnswer,
      }));
    };
    onTestFinished(() => big.close());
    const regional = [...big.expected()].filter((r) => r.kind === "gcp_backend_service" && r.region !== "global" && r.status === "running");
    const project = regional[0]?.account;
    if (!project) throw new Error("the estate has no regional backend service");
    const mine = regional.filter((r) => r.account === project);
    const pairs = new Set(mine.map((r) => `${r.region}/${r.name}`));
    const names = [...new Set(mine.map((r) => `"${r.name}"`))].join(", ");
    const ask = (type: string, resource: string, extra = "") =>
      list(project, {
        filter: `metric.type = "${type}" AND resource.type = "${resource}" AND resource.labels.backend_target_name = one_of(${names})${extra}`,
        "aggregation.perSeriesAligner": "ALIGN_SUM",
      });
    const internal = (await ask("loadbalancing.googleapis.com/https/internal/request_count", "internal_http_lb_rule")).json.timeSeries ?? [];
    const external = (await ask("loadbalancing.googleapis.com/https/external/regional/request_count", "http_external_regional_lb_rule")).json.timeSeries ?? [];
    // Every regional service is one or the other (INTERNAL_MANAGED or EXTERNAL_MANAGED), never both.
    const seen = (series: typeof internal) => new Set(series.map((x) => `${x.resource.labels.region}/${x.resource.labels.backend_target_name}`));
    expect(internal.length).toBeGreaterThan(0);
    expect(external.length).toBeGreaterThan(0);
    for (const pair of [...seen(internal), ...seen(external)]) expect(pairs.has(pair)).toBe(true);
    expect([...seen(internal)].filter((p) => seen(external).has(p))).toEqual([]);
    for (const x of internal) {
      expect(x.resource.type).toBe("internal_http_lb_rule");
      expect(x.resource.labels.network_name).toBe("default");
      expect(x.metric.labels.proxy_continent).toBeUndefined();
    }
    // A region none of them is in finds nothing; their own region finds theirs only.
    expect((await ask("loadbalancing.googleapis.com/https/internal/request_count", "internal_http_lb_rule", ' AND resource.labels.region = one_of("nowhere-1")')).json.timeSeries).toBeUndefined();
    const region = internal[0]?.resource.labels.region as string;
    const inRegion = (await ask("loadbalancing.googleapis.com/https/internal/request_count", "internal_http_lb_rule", ` AND resource.labels.region = one_of("${region}")`)).json.timeSeries ?? [];
    expect(inRegion.length).toBeGreaterThan(0);
    expect(new Set(inRegion.map((x) => x.resource.labels.region))).toEqual(new Set([region]));
    // Global ones are not on the regional resources.
    const global = [...big.expected()].find((r) => r.kind === "gcp_backend_service" && r.region === "global" && r.account === project);
    if (global) {
      const none = await list(project, {
        filter: `metric.type = "loadbalancing.googleapis.com/https/internal/request_count" AND resource.type = "internal_http_lb_rule" AND resource.labels.backend_target_name = one_of("${global.name}")`,
        "aggregation.perSeriesAligner": "ALIGN_SUM",
      });
      expect((none.json.timeSeries ?? []).filter((x) => x.resource.labels.region === "global")).toEqual([]);
    }
  });

  it("has hot VMs: some critical, some warning", () => {
    const samples = emu.projects.flatMap((p) => emu.expectedMetrics(p, { start: new Date(START), end: new Date(END) }));
    expect(samples.some((s) => (s.metrics.cpu_utilization ?? 0) >= 95)).toBe(true);
    expect(samples.some((s) => (s.metrics.cpu_utilization ?? 0) >= 80 && (s.metrics.cpu_utilization ?? 0) < 95)).toBe(true);
  });

  it("applies the fault knobs by project and metric, and requires a monitoring scope", async () => {
    const [a, b] = emu.projects as [string, string];
    const cpu = "compute.googleapis.com/instance/cpu/utilization";
    emu.faults.set({ serverErrors: 1, match: `${a}/timeSeries?${cpu}` });
    expect((await list(b, { filter: filter(cpu, running(b).slice(0, 1)), "aggregation.perSeriesAligner": "ALIGN_MEAN" })).status).toBe(200);
    expect((await list(a, { filter: filter(cpu, running(a).slice(0, 1)), "aggregation.perSeriesAligner": "ALIGN_MEAN" })).status).toBe(503);
    emu.faults.clear();
    const computeOnly = await bearer(emu, [`${AUTH}compute.readonly`]);
    const res = await fetch(`${emu.url}/v3/projects/${a}/timeSeries?filter=${encodeURIComponent(filter(cpu, ["1"]))}`, { headers: { authorization: `Bearer ${computeOnly}` } });
    expect(res.status).toBe(403);
  });
});
