export {
  type ResourceFanOut,
  type SyncObserver,
  type SyncOutcome,
  backupSyncProcessor,
  costSyncProcessor,
  deploymentSyncProcessor,
  metricSyncProcessor,
  resourceSyncProcessor,
  syncProcessor,
} from "./processors.ts";
export { type InstallShutdownOptions, type ShutdownHandle, type Closable, installShutdown } from "./shutdown.ts";
export {
  type JobContext,
  type JobObserver,
  type JobOutcome,
  type JobProcessor,
  type Processors,
  type StartWorkerOptions,
  type WorkerHandle,
  startWorker,
} from "./start-worker.ts";
