// Test workers run one step below normal CPU priority, so the demo site that global setup builds in the background (in
// vitest's main process and its children, at normal priority) gets the cores first and the browser tests can start
// sooner; the workers still use every cycle the build leaves. Set once per worker process; a no-op where not allowed.
import { constants, setPriority } from "node:os";

try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not permitted here: leave the priority as it is.
}
