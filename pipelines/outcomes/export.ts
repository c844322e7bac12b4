// `chest export reminders`: the monitoring returns a grants officer should chase (missing, awaited, late), as a CSV for a mail-out.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { toCsv } from "../kit/delimited.ts";
import type { Place } from "../place/schema.ts";
import { outcomeReminders } from "../publish/outcomes.ts";

export async function exportReminders(db: Db, place: Place, outDir: string): Promise<string> {
  const rows = await outcomeReminders(db);
  const names = new Map(place.rounds.map((r) => [r.id, r.name]));
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${place.id}-outcome-reminders.csv`);
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, "\ufeff" + toCsv(["grant_id", "recipient", "round", "period", "due_on", "status"], rows.map((r) => [r.grant_id, r.recipient, names.get(r.round) ?? r.round, r.period, r.due_on, r.status])));
  renameSync(tmp, path);
  return path;
}
