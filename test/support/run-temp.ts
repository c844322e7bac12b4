// One temporary folder per test run: TMPDIR points into it for the whole run (vitest, its workers, every command line
// and build they start), and global setup's teardown removes it, so a run leaves nothing behind in /tmp (a run used
// to leave 2-3 GB of copied databases and reports). Shared builds are kept outside it, in the usual
// $TMPDIR/chest-test-builds, for later runs.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pidAlive } from "../../pipelines/build/lock.ts";

const PREFIX = "chest-test-run-";


/** Remove run folders whose run is gone (killed before its teardown), named chest-test-run-<pid>-XXXXXX. */
function removeAbandoned(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(/^chest-test-run-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !pidAlive(pid)) rmSync(join(base, name), { recursive: true, force: true });
  }
}

/**
 * Called once, in vitest's main process, before anything else makes a temporary file: the run's folder under the
 * TMPDIR the run was started with, and TMPDIR pointed at it (workers and children inherit it). A no-op in a process
 * that inherited a run's folder already.
 */
export function useRunTemp(): void {
  if (process.env.CHEST_TEST_RUN_TMP) return;
  const base = tmpdir();
  process.env.CHEST_TEST_BUILDS ??= join(base, "chest-test-builds");
  removeAbandoned(base);
  const root = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  process.env.CHEST_TEST_RUN_TMP = root;
  process.env.TMPDIR = root;
}

/** Remove this run's folder (global setup's teardown, once every test file has finished). */
export function removeRunTemp(): void {
  const root = process.env.CHEST_TEST_RUN_TMP;
  if (root && root.includes(PREFIX)) rmSync(root, { recursive: true, force: true });
}
