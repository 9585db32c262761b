import type { Logger } from "../logger.ts";

/** Anything with an async close: the worker handle, the HTTP server, queues, the database. */
export interface Closable {
  close(): Promise<void>;
}

export interface InstallShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  /** Called once everything is closed (default `process.exit`). */
  exit?: (code: number) => void;
  /** Where the signals come from (default `process`; tests pass an emitter). */
  source?: NodeJS.EventEmitter;
}

export interface ShutdownHandle {
  /** Closes every handle in order, then exits; what a signal triggers. Idempotent. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  dispose(): void;
}

/**
 * On SIGTERM or SIGINT: close the handles one after another, in the order given (workers first:
 * they stop taking jobs and wait for the running ones; then the HTTP server; then Redis and the
 * database, which the running jobs were still using), and only then exit — never while a job is
 * running. A second signal does not cut it short: an orchestrator that cannot wait sends SIGKILL,
 * and the interrupted jobs are picked up again by the next worker.
 */
export function installShutdown(handles: ReadonlyArray<Closable>, logger: Logger, options: InstallShutdownOptions = {}): ShutdownHandle {
  const source = options.source ?? process;
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<number> | undefined;

  const shutdown = (reason: string): Promise<number> => {
    if (stopping) {
      logger.warn({ reason }, "already stopping; running jobs are finishing (SIGKILL abandons them, and they are retried)");
      return stopping;
    }
    logger.info({ reason }, "stopping: no new jobs; waiting for the running ones to finish");
    stopping = (async () => {
      let code = 0;
      for (const handle of handles) {
        try {
          await handle.close();
        } catch (error) {
          code = 1;
          logger.error({ err: error instanceof Error ? error.message : String(error) }, "error while closing; continuing with the rest");
        }
      }
      logger.info({ code }, "stopped");
      exit(code);
      return code;
    })();
    return stopping;
  };

  const listener = (signal: NodeJS.Signals) => void shutdown(signal);
  for (const signal of signals) source.on(signal, listener);
  return {
    shutdown,
    dispose: () => {
      for (const signal of signals) source.off(signal, listener);
    },
  };
}
