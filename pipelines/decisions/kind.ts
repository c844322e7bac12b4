// The decision-record kind (the JSON the Workshop page exports) declared on the ingest kit: a record is accepted or refused whole.
import type { InputKindDecl } from "../kit/kind.ts";
import { decisionsStage } from "./stage.ts";
import { generateDemoDecisions } from "../applications/demo-files.ts";

export const decisionsKind: InputKindDecl = {
  name: "decisions",
  summary: "decision records exported from the Workshop page (JSON)",
  stage: decisionsStage,
  demo: generateDemoDecisions, // synthetic records for the demo rounds (pipelines/applications/demo-files.ts)
};
