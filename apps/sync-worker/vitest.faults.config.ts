import { defineConfig } from "vitest/config";

/**
 * The fault-injection suite (`pnpm test:faults`): each file starts what it breaks (its own
 * PostgreSQL cluster, its own redis-server, emulators with fault knobs) and checks that the
 * tables come out equal to the estate. Kept out of `pnpm test` (vitest.config.ts excludes it).
 * See docs/reliability.md.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two files at a time: the machine has two cores, and each file runs real servers.
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: "test-results/vitest-faults.json" }]],
  },
});
