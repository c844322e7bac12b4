// Data loader: monitoring returns to chase (missing, awaited, late) per grant and quarter, as JSON; grant data only.
import { runLoader } from "../../pipelines/publish/loader.ts";
import { outcomeRemindersJson } from "../../pipelines/publish/outcomes.ts";

runLoader("outcomes-reminders.json", outcomeRemindersJson);
