// Test configuration: pinned time zone, Node environment, browser tests kept apart by file name.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

process.env.TZ = "Europe/London";

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
