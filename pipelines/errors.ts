// The typed errors with exit codes (defined in src/lib/errors.ts, which geo/ can import without importing pipelines/).
export * from "../src/lib/errors.ts";
