// The applications kind declared on the ingest kit: one kind with three file shapes (applications, panel scores, votes), so scores and votes are always checked against the applications loaded now, whatever order the files came in.
//
// Why one kind and not three: a panel-scores or votes file is only meaningful against a round's applications.
// With one kind, every ingest or removal of any of the three rebuilds all of them from all stored files in
// ingest order (applications first), so a vote for an application that a later file withdrew is rejected at
// once, and the rejects of the round are in one report (applications-rejects.csv). The shape is told from the
// header: a voter column = votes; member (or assessor) and criterion = panel scores; otherwise the template.
import { basename } from "node:path";
import type { InputKindDecl } from "../kit/kind.ts";
import { checkRegularFile } from "../inputs/registry.ts";
import { readApplicationFile } from "./read.ts";
import { generateDemoApplications } from "./demo-files.ts";
import { ingestApplications } from "./stage.ts";

export const applicationsKind: InputKindDecl = {
  name: "applications",
  summary: "grant applications (the template, CSV or XLSX), panel members' scores or participatory votes (CSV)",
  prepare: async (file) => {
    checkRegularFile(file);
    await readApplicationFile(file, basename(file));
    return file;
  },
  stage: (files, ctx) => ({ name: `applications: ${files.length} file(s)`, run: (db) => ingestApplications(db, files, ctx) }),
  demo: generateDemoApplications,
};
