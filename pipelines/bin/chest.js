#!/usr/bin/env node
// Entry point for the installed `chest` command: runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";
register();
process.env.CHEST_CLI = "1";
await import("../cli/main.ts");
