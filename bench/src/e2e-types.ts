/** What the benchmark hands the end-to-end child process (src/e2e-child.mjs). */
export interface E2eChildInput {
  url: string;
  keyring: string;
  organizationId: string;
  userId: string;
  credentials: unknown[];
}

/** What the child reports back over IPC. Sizes in bytes. */
export interface E2eChildResult {
  ms: number;
  resources: number;
  summaries: {
    provider: string;
    status: string;
    inserted: number;
    updated: number;
    unchanged: number;
    skipped: number;
    scopesCompleted: number;
    scopesFailed: number;
    ms: number;
    errors: string[];
  }[];
  /** RSS once Node, the SDKs and the worker are loaded, before anything ran. */
  moduleRss: number;
  /** RSS when the sync started (database pool open, providers registered). */
  startRss: number;
  /** Highest RSS seen by sampling every 100 ms. */
  sampledPeakRss: number;
  /** The kernel's high-water mark of the process (getrusage maxrss). */
  maxRss: number;
  peakHeapUsed: number;
  /** User + system CPU time of the process during the sync (process.cpuUsage). */
  cpuSeconds: number;
}
