// Data loader: grant totals per recipient organisation (individuals as one unnamed row), as Arrow IPC.
import { grantsOrganisationsArrow } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-organisations.arrow", grantsOrganisationsArrow);
