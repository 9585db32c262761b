/** One query the child times: its text and the parameters of each execution. */
export interface TimedQuery {
  id: string;
  sql: string;
  /** Parameters of the k-th execution, for k = 0 … queryRuns - 1 (warm-ups use 0 and 1). */
  params: (string | number)[][];
  /** `set local` settings the helper makes in its transaction before the statement (e.g. `jit = off`). */
  settings?: string[];
}

/** What the benchmark hands the query child process (src/query-child.mjs). */
export interface QueryChildInput {
  url: string;
  organizationId: string;
  queries: TimedQuery[];
  /** Timed executions per query, unless the time budget runs out first (at least 3). */
  queryRuns: number;
  queryBudgetSeconds: number;
}

/** Per query, what the child reports back over IPC. */
export interface QueryChildResult {
  queries: {
    id: string;
    latenciesMs: number[];
    rows: number;
    /** auto_explain's notices of one extra, captured execution: the plan of every statement it ran. */
    notices: string[];
  }[];
}
