// The decision-record kind (the JSON the Workshop page exports) declared on the ingest kit: a record is accepted or refused whole.
import type { InputKindDecl } from "../kit/kind.ts";
import { countedStage } from "../kit/counted.ts";
import { decisionsStage } from "./stage.ts";
import { generateDemoDecisions } from "../applications/demo-files.ts";

export const decisionsKind: InputKindDecl = {
  name: "decisions",
  summary: "decision records exported from the Workshop page (JSON)",
  stage: (files, ctx) =>
    countedStage("decisions", files, ctx, decisionsStage, `
      SELECT count(*)::INTEGER AS read, count(*)::INTEGER AS accepted, 0 AS rejected FROM decision`),
  demo: generateDemoDecisions, // synthetic records for the demo rounds (pipelines/applications/demo-files.ts)
};
