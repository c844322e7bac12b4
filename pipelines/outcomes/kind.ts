// The outcomes kind (monitoring returns as CSV parts or the XLSX template) declared on the ingest kit, with its synthetic demo returns.
import type { InputKindDecl } from "../kit/kind.ts";
import { checkXlsx, readBounded } from "../kit/bounds.ts";
import { generateDemoReturns } from "./demo.ts";
import { outcomesStage } from "./stage.ts";

export const outcomesKind: InputKindDecl = {
  name: "outcomes",
  summary: "monitoring returns (reach, sessions, SWEMWBS and ONS4 before and after) as CSV or the XLSX template",
  // Before a return is stored: read it through the bounded reader, and check a workbook's zip (size, parts, cells spanned) before any XLSX reader opens it.
  prepare: (file) => {
    const label = file.split(/[\\/]/).pop() ?? file;
    const bytes = readBounded(file, label);
    if (/\.xlsx$/i.test(file)) checkXlsx(bytes, label);
    return file;
  },
  stage: (files, ctx) => outcomesStage(files, ctx),
  demo: generateDemoReturns,
};
