import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Sql } from "postgres";

/**
 * CPU time of the PostgreSQL backends serving this database while some work runs, read from the
 * kernel (/proc/<pid>/stat utime + stime) so figures compare across machines. Backends come and
 * go with their clients' pools, so they are found by sampling pg_stat_activity every 200 ms and
 * each one's latest reading is kept; a backend's last < 200 ms before it exits may be missed.
 * A backend already there when sampling starts (a pool connection of an earlier step, which may
 * have loaded a whole estate) counts only what it spends from then on: its first reading is
 * subtracted. The benchmark's own connections (application_name `cloudsync-bench`) are left out.
 */
export interface BackendCpuSampler {
  /** Stops sampling; CPU seconds of every backend seen. */
  stop(): Promise<{ cpuSeconds: number; backends: number }>;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process in seconds, or undefined when it is gone or /proc is not there. */
export async function processCpuSeconds(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / clockTicks();
}

export function startBackendCpuSampler(sql: Sql): BackendCpuSampler {
  const latest = new Map<number, number>();
  /** CPU seconds at the first sample of the backends that were there before the work started. */
  const before = new Map<number, number>();
  let first = true;
  let stopped = false;
  let failure: unknown;
  const sample = async () => {
    const rows = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity
       where datname = current_database() and backend_type = 'client backend'
         and coalesce(application_name, '') <> 'cloudsync-bench'`;
    const atStart = first;
    first = false;
    await Promise.all(
      rows.map(async ({ pid }) => {
        const seconds = await processCpuSeconds(pid);
        if (seconds === undefined) return;
        if (atStart) before.set(pid, seconds);
        latest.set(pid, Math.max(latest.get(pid) ?? 0, seconds));
      }),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        await sample();
      } catch (error) {
        failure = error;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      if (failure) throw failure;
      return cpuSpent(latest, before);
    },
  };
}

/**
 * What the backends spent while sampling: each one's latest reading, less its reading at the
 * start for those that were already there; `backends` counts those that spent anything.
 */
export function cpuSpent(latest: ReadonlyMap<number, number>, before: ReadonlyMap<number, number>): { cpuSeconds: number; backends: number } {
  let cpuSeconds = 0;
  let backends = 0;
  for (const [pid, seconds] of latest) {
    const spent = seconds - (before.get(pid) ?? 0);
    if (spent > 0) backends++;
    cpuSeconds += Math.max(0, spent);
  }
  return { cpuSeconds, backends };
}
