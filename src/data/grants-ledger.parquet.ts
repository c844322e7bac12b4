// Data loader: the grant ledger, one row per grant touching the place (grants to individuals never named), as Parquet.
import { grantsLedgerParquet } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-ledger.parquet", grantsLedgerParquet);
