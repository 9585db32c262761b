/** What the scale step hands each worker process (src/scale-child.mjs). */
export interface ScaleChildInput {
  url: string;
  keyring: string;
  redisUrl: string;
  prefix: string;
  accountsPerShard: number;
  /** Resource jobs the process runs at once (the resources queue's concurrency). */
  concurrency: number;
  /** Resource job slots of all the step's processes (processes × concurrency): the shards are sized to fill them. */
  jobSlots: number;
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
  /** Adapters its shard jobs built (the pool reuses one per provider and process). */
  adaptersBuilt: number;
  cpuSeconds: number;
  maxRssMb: number;
}
