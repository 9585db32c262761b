import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The newest installed PostgreSQL's binaries (Debian's layout), or PG_BINDIR. */
function binDir(): string | null {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

/** Why a primary and its streaming replica cannot be started here, or null when they can. */
export function replicaToolsMissing(): string | null {
  if (!binDir()) return "no PostgreSQL binaries (initdb, pg_basebackup) under /usr/lib/postgresql; set PG_BINDIR";
  if (process.getuid?.() === 0) {
    try {
      requireRunuser();
    } catch {
      return "running as root without runuser, and PostgreSQL refuses to run as root";
    }
  }
  return null;
}

function requireRunuser(): void {
  if (!["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].some(existsSync)) throw new Error("no runuser");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface StreamingPair {
  primaryUrl: string;
  replicaUrl: string;
  close(): Promise<void>;
}

/**
 * A PostgreSQL primary of its own (initdb, trust on loopback, replication allowed) and a streaming
 * replica made from it with `pg_basebackup -R`, on two free ports, in a scratch folder. Root runs
 * them as the `postgres` user, since PostgreSQL will not run as root.
 */
export async function startStreamingPair(): Promise<StreamingPair> {
  const bin = binDir();
  if (!bin) throw new Error("no PostgreSQL binaries");
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), "cloudsync-replica-"));
  if (asRoot) await chown(dir, Number((await run("id", ["-u", "postgres"])).stdout), Number((await run("id", ["-g", "postgres"])).stdout));
  const pg = (tool: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args));
  const primaryDir = path.join(dir, "primary");
  const replicaDir = path.join(dir, "replica");
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const server = (data: string, port: number) => [
    "-D", data, "-w", "-l", path.join(dir, `${port}.log`),
    "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
  ];
  const started: string[] = [];
  const close = async () => {
    for (const data of started.reverse()) await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pg("initdb", ["-D", primaryDir, "-U", "postgres", "-A", "trust", "--no-sync", "--no-instructions"]);
    await pg("pg_ctl", [...server(primaryDir, primaryPort), "start"]);
    started.push(primaryDir);
    await pg("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", replicaDir, "-R", "-X", "stream", "--no-sync"]);
    await pg("pg_ctl", [...server(replicaDir, replicaPort), "start"]);
    started.push(replicaDir);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
    close,
  };
}
