// Test configuration: pinned time zone, Node environment, browser tests kept apart by file name.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { useRunTemp } from "./support/run-temp.ts";
import LongestFirstSiteWhenReady from "./support/sequencer.ts";

process.env.TZ = "Europe/London";
// Every temporary file of the run in one folder that global setup's teardown removes (shared builds are kept outside it).
useRunTemp();
// Every ingest in the tests re-runs the need stage: 200 weight perturbations instead of 1,000 keep it quick (the method is the same).
process.env.CHEST_NEED_RUNS ??= "200";
// The test workers (and the demo build beside them) share the cores: one DuckDB thread each spends about a third less CPU
// than DuckDB's default of one thread per core, whose threads mostly wait for each other (the benchmarks keep the default).
process.env.CHEST_DB_THREADS ??= "1";

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    environment: "node",
    // Builds the demo database and the whole dashboard once for the browser tests (skip with CHEST_SKIP_SITE=1), in the
    // background: the files that need it wait in demoSite() and start once it is expected (test/support/sequencer.ts).
    globalSetup: ["test/support/global-site.ts"],
    sequence: { sequencer: LongestFirstSiteWhenReady },
    // CHEST_TEST_CPU_LOG=FILE appends each file's wall and CPU seconds to FILE (test/support/cpu-log.ts).
    setupFiles: ["test/support/worker-priority.ts", "test/support/cpu-log.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: true,
    isolate: false,
    // Three workers on the two cores here: some files wait (on the demo site, on Chromium's pages settling, on the command
    // lines they start and kill), and a third worker fills those gaps. 242-247 s with two, 219 s with three (1 Dec 2026,
    // idle; /proc/stat 91% busy with two, 98% with three).
    maxWorkers: 3,
  },
});
