/** Plain-text tables and a one-line progress display, no dependencies. */
export function renderTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (r: string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export interface Progress {
  /**
   * Shows `text` as the current state. On a terminal it rewrites one line; otherwise only a
   * `milestone` is printed, as a plain line of its own, and at most one every `plainEveryMs`
   * (default 5 s): a log gets a line every few seconds and not one per scope (an AWS sync has
   * hundreds), and always the last milestone and the closing line.
   */
  update(text: string, options?: { milestone?: boolean }): void;
  done(text?: string): void;
}

/** Rewrites one line on a terminal; prints plain lines for milestones, a few seconds apart, when output is piped. */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  options: { plainEveryMs?: number; now?: () => number } = {},
): Progress {
  const tty = stream.isTTY === true;
  const clock = options.now ?? Date.now;
  const plainEveryMs = options.plainEveryMs ?? 5000;
  let last = 0;
  let lastPlain: number | undefined;
  /** A milestone held back by the interval: printed before the closing line, so a log ends on the final state. */
  let heldBack: string | undefined;
  return {
    update(text, options = {}) {
      if (!tty) {
        if (!options.milestone) return;
        const now = clock();
        if (lastPlain !== undefined && now - lastPlain < plainEveryMs) {
          heldBack = text;
          return;
        }
        lastPlain = now;
        heldBack = undefined;
        stream.write(`${text}\n`);
        return;
      }
      const now = clock();
      if (now - last < 100 && !options.milestone) return;
      last = now;
      stream.write(`\r\x1b[2K${text}`);
    },
    done(text) {
      if (!tty && heldBack !== undefined) stream.write(`${heldBack}\n`);
      heldBack = undefined;
      lastPlain = undefined;
      if (tty) stream.write("\r\x1b[2K");
      if (text) stream.write(`${text}\n`);
    },
  };
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Prints rows for a person (a table, or `empty` when there are none) or, with `json`, for a
 * script: one JSON document on stdout, an array even when empty, so `jq` never sees a sentence.
 */
export function printRows<T>(json: boolean, rows: readonly T[], table: { headers: readonly string[]; cells: (row: T) => (string | number)[]; empty: string }): void {
  if (json) console.log(JSON.stringify(rows, null, 2));
  else if (rows.length === 0) console.log(table.empty);
  else console.log(renderTable(table.headers, rows.map(table.cells)));
}

/** One result for a script (`--json`) or a sentence for a person. */
export function printResult(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}
