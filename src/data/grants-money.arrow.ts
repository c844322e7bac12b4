// Data loader: grant money by area for each round and funder type (areas with money only), for the map switches, as Arrow IPC.
import { grantsMoneyArrow } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-money.arrow", grantsMoneyArrow);
