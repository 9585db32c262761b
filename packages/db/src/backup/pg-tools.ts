import { spawn } from "node:child_process";
import { BackupError } from "./connection.ts";

export type PgTool = "pg_dump" | "pg_restore";

/**
 * Runs a PostgreSQL client tool (no shell: arguments are passed as they are) and resolves to its
 * standard output; a missing binary or a non-zero exit becomes a `BackupError` quoting the end of
 * the tool's own message, which names the object or connection that failed.
 */
export function runPgTool(tool: PgTool, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new BackupError(`${tool} was not found on PATH: install the PostgreSQL client tools (Debian/Ubuntu: postgresql-client) of the server's major version or newer`)
          : new BackupError(`${tool} could not be started: ${error.message}`, { cause: error }),
      );
    });
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const tail = Buffer.concat(err).toString("utf8").trim().split("\n").slice(-15).join("\n");
      reject(new BackupError(`${tool} failed (${signal ? `signal ${signal}` : `exit code ${code}`}):\n${tail || "(no message)"}`));
    });
  });
}

/** `pg_dump (PostgreSQL) 15.20 …` → `15.20 …`, for the manifest. */
export async function pgToolVersion(tool: PgTool): Promise<string> {
  return (await runPgTool(tool, ["--version"])).trim().replace(/^\S+ \(PostgreSQL\) /, "");
}
