// The grants kind (360Giving ledgers as CSV, XLSX or JSON) declared on the ingest kit: its stage, demo ledger and the equity stage derived from it.
import type { InputKindDecl } from "../kit/kind.ts";
import { equityStage } from "../equity/stage.ts";
import { generateDemoLedger } from "./demo.ts";
import { prepareGrantsInput } from "./prepare.ts";
import { grantsStage } from "./stage.ts";

export const grantsKind: InputKindDecl = {
  name: "grants",
  summary: "grant ledgers in the 360Giving Data Standard (CSV, XLSX or JSON package)",
  prepare: prepareGrantsInput,
  stage: grantsStage,
  demo: (ctx) => generateDemoLedger(ctx),
  derived: (ctx) => [equityStage(ctx.log)],
};
