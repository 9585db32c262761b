/** What the scale step hands each worker process (src/scale-child.mjs). */
export interface ScaleChildInput {
  url: string;
  keyring: string;
  redisUrl: string;
  prefix: string;
  accountsPerShard: number;
  /** Resource jobs the process runs at once (the resources queue's concurrency). */
  concurrency: number;
}

/** What one worker process reports when stopped. */
export interface ScaleChildResult {
  type: "result";
  pid: number;
  jobs: { providerSteps: number; shards: number; failed: number };
  /** HTTP requests its SDK clients sent (retries and STS included). */
  apiCalls: number;
  /** API answers that asked it to slow down (counted by the adapters). */
  throttles: number;
  cpuSeconds: number;
  maxRssMb: number;
}
