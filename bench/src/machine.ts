import os from "node:os";
import type { Sql } from "postgres";

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGb: number;
  platform: string;
  arch: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the benchmark started and when it ended. */
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  postgres: { version: string; settings: Record<string, string> };
}

const settingNames = ["shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size", "max_wal_size", "synchronous_commit", "fsync", "jit", "random_page_cost", "max_parallel_workers_per_gather"];

export async function machineInfo(sql: Sql): Promise<MachineInfo> {
  const [{ version } = { version: "" }] = await sql<{ version: string }[]>`select version()`;
  const settings = await sql<{ name: string; setting: string }[]>`
    select name, current_setting(name) as setting from pg_settings where name = any(${settingNames}::text[]) order by name`;
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    loadAverageStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    postgres: { version, settings: Object.fromEntries(settings.map((s) => [s.name, s.setting])) },
  };
}
