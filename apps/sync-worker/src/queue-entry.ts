/**
 * `@cloudsync/sync-worker/queues`: the worker's BullMQ pieces, for programs that run workers or
 * enqueue jobs themselves (the scale benchmark). Kept apart from the main entry so that a
 * program importing only `syncResources` and the writers does not load BullMQ and ioredis
 * (about 21 MB of RSS at start).
 */
export { startWorker, resourceSyncProcessor, type ResourceFanOut, type WorkerHandle } from "./worker/index.ts";
export { createQueues, type Queues } from "./queues/index.ts";
