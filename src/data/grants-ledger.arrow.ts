// Data loader: the grant ledger, one row per grant touching the place (grants to individuals never named), as Arrow IPC.
import { grantsLedgerArrow } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-ledger.arrow", grantsLedgerArrow);
