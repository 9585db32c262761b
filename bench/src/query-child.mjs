// @ts-check
/**
 * Times the benchmark's queries in a process of its own, as an application's client would run
 * them: the benchmark process holds the estate and its generators (a large heap), and its
 * garbage collections were charged to whichever query was reading its answer at the time.
 *
 * Runs statements the way an application does: in a transaction acting for the organization
 * (`app.organization_id` set, role `cloudsync_app`, so row-level security applies), with
 * prepared statements as postgres-js and Drizzle use them. Only the statement itself is timed.
 * Plans are captured from one extra execution with auto_explain (ANALYZE, BUFFERS, nested
 * statements, JSON): the EXPLAIN (FORMAT JSON) of every statement the query ran.
 */
import postgres from "postgres";
import { childInput, sendResult } from "./child-io.mjs";

/** @typedef {import("./query-types.ts").QueryChildInput} QueryChildInput */
/** @typedef {import("./query-types.ts").QueryChildResult} QueryChildResult */
/** @typedef {import("./query-types.ts").TimedQuery} TimedQuery */

const captureSettings = ["log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_timing = on", "log_nested_statements = on", "log_format = json", "log_level = notice"];

async function main() {
  const input = /** @type {QueryChildInput} */ (await childInput("the query process"));
  /** @type {string[] | null} */
  let collecting = null;
  const client = postgres(input.url, {
    max: 1,
    onnotice: (notice) => collecting?.push(String(notice.message)),
    connection: { application_name: "cloudsync-bench-queries" },
  });

  /**
   * @param {TimedQuery} query
   * @param {number} k
   * @param {string[] | null} notices where auto_explain's plans go, or null to time without capturing
   */
  async function execute(query, k, notices = null) {
    const params = query.params[k % query.params.length] ?? [];
    // A prepared statement's plan is logged when its portal closes, which may be after its rows
    // arrived: collect until the transaction has committed.
    const result = await client.begin(async (tx) => {
      if (notices) for (const setting of captureSettings) await tx.unsafe(`set local auto_explain.${setting}`);
      await tx`select set_config('app.organization_id', ${input.organizationId}, true)`;
      await tx.unsafe("set local role cloudsync_app");
      for (const setting of query.settings ?? []) await tx.unsafe(`set local ${setting}`);
      collecting = notices;
      const started = performance.now();
      const rows = await tx.unsafe(query.sql, params, { prepare: true });
      return { ms: performance.now() - started, rows: rows.length };
    });
    collecting = null;
    return /** @type {{ ms: number; rows: number }} */ (result);
  }

  try {
    // LOAD needs a superuser: it happens before any transaction switches role.
    await client.unsafe("load 'auto_explain'");
    await client.unsafe("set auto_explain.log_min_duration = -1");
    /** @type {QueryChildResult} */
    const out = { queries: [] };
    for (const query of input.queries) {
      const first = await execute(query, 0);
      if (first.ms < 1_000) await execute(query, 1);
      /** @type {number[]} */
      const latencies = [];
      const budgetEnds = performance.now() + input.queryBudgetSeconds * 1000;
      let rows = 0;
      while (latencies.length < input.queryRuns && (latencies.length < 3 || performance.now() < budgetEnds)) {
        const r = await execute(query, latencies.length);
        latencies.push(r.ms);
        rows = r.rows;
      }
      /** @type {string[]} */
      const notices = [];
      await execute(query, 0, notices);
      out.queries.push({ id: query.id, latenciesMs: latencies, rows, notices });
    }
    await sendResult(out);
  } finally {
    await client.end({ timeout: 5 });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
