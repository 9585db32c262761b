import type { BenchDatabase, Tenant } from "./database.ts";
import type { Estate } from "./estate.ts";
import type { BenchOptions } from "./options.ts";

/** What every step gets. */
export interface BenchContext {
  options: BenchOptions;
  estate: Estate;
  db: BenchDatabase;
  tenant: Tenant;
  /** The benchmark's "now", to the minute: samples and cost lines end here. */
  now: Date;
  /** A directory for pre-rendered COPY files, removed at the end. */
  scratch: string;
  log: (message: string) => void;
}
