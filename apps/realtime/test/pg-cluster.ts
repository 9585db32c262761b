import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster on its own port, for tests that stop and start the server
 * under the code being tested. initdb refuses to run as root, so as root every command runs as
 * the `postgres` user (runuser, else su) in a directory that user owns.
 */
export interface Cluster {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** A fast shutdown: sessions are terminated, like a crash as far as clients can tell. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

function binary(name: string): string {
  for (const candidate of [`/usr/lib/postgresql/15/bin/${name}`, `/usr/local/bin/${name}`]) if (existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  throw new Error(`${name} not found (looked in /usr/lib/postgresql/15/bin, /usr/local/bin and PATH); install the PostgreSQL server binaries`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function startCluster(): Promise<Cluster> {
  const initdb = binary("initdb");
  const pgCtl = binary("pg_ctl");
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-realtime-pg-"));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => existsSync(p));
  const exec = async (command: string, args: string[]) => {
    if (!asRoot) return run(command, args);
    if (runuser) return run(runuser, ["-u", "postgres", "--", command, ...args]);
    return run("su", ["postgres", "-c", [command, ...args].map(quote).join(" ")]);
  };

  const data = path.join(dir, "data");
  const port = await freePort();
  await exec(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const cluster: Cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await exec(pgCtl, ["-D", data, "-l", path.join(dir, "server.log"), "-o", options, "-w", "-t", "30", "start"]);
    },
    async stop() {
      await exec(pgCtl, ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
    },
    async destroy() {
      await exec(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
