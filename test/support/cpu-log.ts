// Per-file CPU log: when CHEST_TEST_CPU_LOG names a file, append one JSON line per test file with its wall time and the CPU its worker and the worker's children used.
import { appendFileSync, readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";

const logFile = process.env.CHEST_TEST_CPU_LOG;

/** CPU seconds of this process and of its finished children, from /proc (Linux); null elsewhere. */
function cpuSeconds(): { self: number; children: number } | null {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    const tick = 100;
    return { self: (Number(fields[11]) + Number(fields[12])) / tick, children: (Number(fields[13]) + Number(fields[14])) / tick };
  } catch {
    return null;
  }
}

if (logFile) {
  const start = cpuSeconds();
  const wall = performance.now();
  afterAll(() => {
    const end = cpuSeconds();
    const file = expect.getState().testPath ?? "";
    appendFileSync(
      logFile,
      JSON.stringify({ file, pid: process.pid, wall: (performance.now() - wall) / 1000, self: end && start ? end.self - start.self : null, children: end && start ? end.children - start.children : null, totalSelf: end?.self, totalChildren: end?.children }) + "\n",
    );
  });
}
