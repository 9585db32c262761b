// `pnpm --filter @cloudsync/db erd`: writes the Mermaid ER diagram of the Drizzle schema into
// README.md between <!-- erd:start --> and <!-- erd:end -->. With `--check` it writes nothing
// and exits 1 when the README's diagram is stale (test/erd.test.ts checks the same).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderErDiagram, replaceErdSection } from "../src/erd.ts";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const checkOnly = process.argv.includes("--check");

try {
  const before = readFileSync(readmePath, "utf8");
  const after = replaceErdSection(before, renderErDiagram());
  if (after === before) {
    console.log("README.md: ER diagram is up to date");
  } else if (checkOnly) {
    console.error("README.md: ER diagram is out of date; run `pnpm --filter @cloudsync/db erd`");
    process.exitCode = 1;
  } else {
    writeFileSync(readmePath, after);
    console.log("README.md: ER diagram updated");
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
