import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { Sql } from "postgres";

/** One field in COPY's text format: `\N` for null, backslash escapes for the rest. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (!/[\\\n\r\t]/.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

export function copyLine(fields: readonly unknown[]): string {
  return `${fields.map(copyField).join("\t")}\n`;
}

/** Lines gathered into chunks of about 256 kB, so streams move blocks rather than lines. */
async function* chunked(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = "";
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= 262_144) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** Writes COPY text to a file ahead of time, so a timed COPY measures PostgreSQL, not the renderer. */
export async function writeCopyFile(path: string, lines: Iterable<string> | AsyncIterable<string>): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  let rows = 0;
  let bytes = 0;
  const counted = async function* () {
    for await (const line of lines) {
      rows++;
      yield line;
    }
  };
  for await (const chunk of chunked(counted())) {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { rows, bytes };
}

/** `COPY table (columns) FROM STDIN` fed from a file (or lines); resolves when the server committed it. */
export async function copyInto(
  sql: Sql,
  table: string,
  columns: readonly string[],
  source: { file: string } | { lines: Iterable<string> | AsyncIterable<string> },
): Promise<void> {
  const target = `${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")})`;
  const query = sql.unsafe(`copy ${target} from stdin`) as ReturnType<Sql["unsafe"]> & { reject: (error: unknown) => void };
  // postgres-js 3.4 loses an error the server reports after the stream has ended (a bad last
  // row): the stream waits forever for its end. Its query object still hears the error through
  // reject(), so listen there too, and let whichever comes first settle the COPY.
  const serverError = new Promise<never>((_, fail) => {
    const reject = query.reject;
    query.reject = (error: unknown) => {
      fail(error);
      reject(error);
    };
  });
  serverError.catch(() => {});
  const writable = await query.writable();
  const input = "file" in source ? createReadStream(source.file, { highWaterMark: 1 << 20 }) : Readable.from(chunked(source.lines));
  try {
    await Promise.race([pipeline(input, writable), serverError]);
  } catch (error) {
    input.destroy();
    writable.destroy();
    throw error;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
