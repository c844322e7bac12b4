// The services kind (Open Referral UK / HSDS service directories as JSON or tabular data packages) declared on the ingest kit: the packing step before a package is stored, its stage and its synthetic demo.
import type { InputKindDecl } from "../kit/kind.ts";
import { generateDemoServices } from "./demo.ts";
import { prepareServicesInput } from "./prepare.ts";
import { servicesStage } from "./stage.ts";

export const servicesKind: InputKindDecl = {
  name: "services",
  summary: "service directories in Open Referral UK / HSDS 3 (JSON, or a tabular data package as a folder, zip or datapackage.json)",
  prepare: prepareServicesInput,
  stage: servicesStage,
  demo: generateDemoServices,
};
