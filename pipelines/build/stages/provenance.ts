// Stage: the provenance of every fetched file, copied from data/raw/provenance.json into the database for the Data page.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../db/connection.ts";
import { MissingSourceError } from "../../errors.ts";
import { provenanceFile, type ProvenanceRecord } from "../../fetch/fetch.ts";
import { sources, type Source } from "../../sources.ts";

export async function buildProvenance(db: Db, rawDir: string): Promise<void> {
  const path = join(rawDir, provenanceFile);
  if (!existsSync(path)) throw new MissingSourceError(`${path} is missing: run \`chest fetch\` first`);
  const { records } = JSON.parse(readFileSync(path, "utf8")) as { records: ProvenanceRecord[] };
  const byId = new Map<string, Source>(sources.map((s) => [s.id, s]));
  await db.run(`
    CREATE TABLE provenance (
      source VARCHAR PRIMARY KEY, title VARCHAR, publisher VARCHAR, licence VARCHAR, attribution VARCHAR,
      landing_page VARCHAR, origin VARCHAR, fetched_from VARCHAR, file VARCHAR, bytes BIGINT, sha256 VARCHAR,
      sha256_official VARCHAR, verified VARCHAR, note VARCHAR, fetched_at TIMESTAMPTZ)`);
  for (const r of records) {
    const s = byId.get(r.source);
    await db.run(
      `INSERT INTO provenance VALUES ($source, $title, $publisher, $licence, $attribution, $landing, $origin, $from, $file,
        $bytes, $sha, $official, $verified, $note, $at::TIMESTAMPTZ)`,
      {
        source: r.source,
        title: r.title,
        publisher: r.publisher,
        licence: r.licence,
        attribution: s ? s.attribution.join(" ") : "",
        landing: s?.landingPage ?? "",
        origin: r.origin,
        from: r.from,
        file: r.file,
        bytes: r.bytes,
        sha: r.sha256,
        official: r.sha256Official,
        verified: r.verified,
        note: r.note,
        at: r.fetchedAt,
      },
    );
  }
}
