// The grant warnings that matter, at the end of every grants ingest: money not placed (count, £, share, reason, fix), a ledger wholly or mostly outside the place, grants outside the place's rounds.
import type { Db } from "../db/connection.ts";
import type { Notice } from "../kit/result.ts";
import type { Place } from "../place/schema.ts";
import { formatPounds } from "./money.ts";

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** What the unplaced money lacked, and what fixes it. */
const unplacedReasons: Record<string, { reason: string; fix: string }> = {
  not_located: {
    reason: "no usable location code (Beneficiary Location) and no recipient postcode or district that places it",
    fix: "add Beneficiary Location:Geographic Code (LSOA, MSOA, ward or district codes), or give a postcode directory with --postcodes (or CHEST_POSTCODES) so recipients' postcodes place it",
  },
  wide_area: {
    reason: "its locations are wider than the place (a region or country), so it cannot be split over LSOAs",
    fix: "give the LSOA, ward or district codes the grant served if they are known",
  },
};

export async function grantNotices(db: Db, place: Place, hasPostcodes: boolean): Promise<Notice[]> {
  const notices: Notice[] = [];
  const [t] = await db.all<{ grants: number; total: number; inside: number; outside: number }>(`
    SELECT count(*)::INTEGER AS grants, coalesce(sum(amount_pence), 0)::DOUBLE AS total,
           coalesce(sum(in_place_pence), 0)::DOUBLE AS inside, coalesce(sum(outside_pence), 0)::DOUBLE AS outside FROM grants`);
  if (!t.grants || t.total <= 0) return notices;
  const unplaced = await db.all<{ method: string; n: number; pence: number; postcodes: number }>(`
    SELECT CASE WHEN location_method = 'wide_area' THEN 'wide_area' ELSE 'not_located' END AS method, count(*)::INTEGER AS n,
           sum(unattributed_pence)::DOUBLE AS pence, count(recipient_postcode)::INTEGER AS postcodes
    FROM grants WHERE unattributed_pence > 0 GROUP BY 1 ORDER BY 1`);
  for (const u of unplaced) {
    const r = unplacedReasons[u.method];
    const fix = u.method === "not_located" && u.postcodes > 0 && !hasPostcodes ? `${u.postcodes} of them give a recipient postcode: give a postcode directory with --postcodes (or CHEST_POSTCODES); otherwise ${r.fix}` : r.fix;
    notices.push({
      key: "unplaced-money",
      message: `${formatPounds(u.pence)} (${pct(u.pence / t.total)} of all money) in ${u.n.toLocaleString("en-GB")} grant(s) is not placed in any LSOA: ${r.reason}`,
      count: u.n,
      pounds: u.pence / 100,
      share: u.pence / t.total,
      fix,
    });
  }
  const placed = t.inside + t.outside;
  if (placed > 0 && t.outside / placed > 0.5) {
    const wholly = t.inside === 0;
    notices.push({
      key: "outside-place",
      message: `${wholly ? "all" : pct(t.outside / placed)} of the placed money (${formatPounds(t.outside)}) lies outside ${place.name}${wholly ? ": the ledger is wholly outside the place" : ": the ledger is mostly outside the place"}`,
      count: t.grants,
      pounds: t.outside / 100,
      share: t.outside / placed,
      fix: "check --place names the place this ledger funds (its local authorities), or ingest only the grants for this place",
    });
  }
  if (place.rounds.length) {
    const [r] = await db.all<{ n: number; pence: number; programmes: string }>(`
      SELECT count(*)::INTEGER AS n, coalesce(sum(amount_pence), 0)::DOUBLE AS pence,
             string_agg(DISTINCT coalesce(programme_code, programme_title, '(none)'), ', ' ORDER BY coalesce(programme_code, programme_title, '(none)')) AS programmes
      FROM grants WHERE round_id IS NULL`);
    if (r.n > 0) {
      const shown = r.programmes.length > 160 ? `${r.programmes.slice(0, 157)}…` : r.programmes;
      notices.push({
        key: "outside-rounds",
        message: `${r.n.toLocaleString("en-GB")} grant(s) (${formatPounds(r.pence)}, ${pct(r.pence / t.total)}) belong to none of the place's funding rounds (their programmes: ${shown}); round figures leave them out`,
        count: r.n,
        pounds: r.pence / 100,
        share: r.pence / t.total,
        fix: "add their Grant Programme code or title to a round in the place file (rounds[].programme), or leave them as grants outside the rounds",
      });
    }
  }
  return notices;
}
