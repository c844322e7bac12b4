// A seeded synthetic Open Referral UK directory for `chest demo`: a few hundred community activities at made-up venues inside the place's real LSOAs, denser in busy town centres, some run by the demo grants' recipients.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { buildSpatialIndex } from "../../geo/spatial-index.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import { needLookup, resolveNeed } from "../../src/lib/needs.ts";
import type { Db } from "../db/connection.ts";
import { SYNTHETIC_LABEL, type DemoContext } from "../demo/generators.ts";
import { findGrantsTable } from "./provision-sql.ts";

interface DemoLsoa {
  lsoa21cd: string;
  msoa21cd: string;
  msoa_name: string;
  lad_code: string;
  lad_name: string;
  population: number;
  area_km2: number;
  centroid_lon: number;
  centroid_lat: number;
}

interface Activity {
  need: string;
  weight: number;
  /** [service name, taxonomy term(s) the default crosswalk knows]. */
  kinds: [string, string[]][];
}

/** What community directories in east London list, by need; weights are shares of activities. */
const activities: Activity[] = [
  { need: "loneliness", weight: 0.17, kinds: [["Lunch club", ["Lunch club"]], ["Friendship café", ["Community cafe"]], ["Knit and natter", ["Knit and natter"]], ["Coffee morning", ["Coffee morning"]], ["Tea dance", ["Tea dance", "Dance"]], ["Men's shed", ["Men's shed"]]] },
  { need: "mental_wellbeing", weight: 0.13, kinds: [["Walk and talk", ["Walk and talk"]], ["Mindfulness group", ["Mindfulness"]], ["Wellbeing café", ["Wellbeing cafe"]], ["Community garden sessions", ["Community garden"]]] },
  { need: "physical_activity", weight: 0.17, kinds: [["Walking football", ["Walking football"]], ["Chair-based exercise", ["Chair based exercise"]], ["Seated yoga", ["Seated yoga"]], ["Health walk", ["Health walk"]], ["Tai chi", ["Tai chi"]], ["Strength and balance class", ["Strength and balance"]]] },
  { need: "cost_of_living", weight: 0.1, kinds: [["Money advice drop-in", ["Money advice"]], ["Warm space", ["Warm space"]], ["Benefits advice surgery", ["Benefits advice"]], ["Energy advice session", ["Energy advice"]]] },
  { need: "food", weight: 0.09, kinds: [["Community pantry", ["Community pantry"]], ["Food bank", ["Food bank"]], ["Cook and eat", ["Cook and eat"]], ["Community meal", ["Community meal"]]] },
  { need: "long_term_conditions", weight: 0.07, kinds: [["Diabetes peer support", ["Diabetes peer support"]], ["Breathe Easy group", ["Breathe easy"]], ["Memory café", ["Memory cafe"]], ["Stroke club", ["Stroke club"]]] },
  { need: "carers", weight: 0.05, kinds: [["Carers' café", ["Carers cafe"]], ["Carers' support group", ["Carers group"]]] },
  { need: "employment", weight: 0.06, kinds: [["Job club", ["Job club"]], ["ESOL conversation class", ["ESOL"]], ["Volunteering taster", ["Volunteering"]]] },
  { need: "digital_inclusion", weight: 0.04, kinds: [["Digital drop-in", ["Digital drop in"]], ["Computer class for beginners", ["Computer class"]]] },
  { need: "arts_creativity", weight: 0.05, kinds: [["Community choir", ["Community choir"]], ["Art group", ["Art group"]], ["Creative writing circle", ["Creative writing"]]] },
  { need: "family_support", weight: 0.03, kinds: [["Stay and play", ["Stay and play"]], ["Parenting support group", ["Parenting support"]]] },
  { need: "bereavement", weight: 0.02, kinds: [["Bereavement café", ["Bereavement cafe"]]] },
  { need: "housing", weight: 0.01, kinds: [["Housing advice surgery", ["Housing advice"]]] },
  { need: "legal_advice", weight: 0.01, kinds: [["Immigration advice clinic", ["Immigration advice"]]] },
];

/** Terms a real directory would have that the default crosswalk does not know: they show up as warnings. */
const unknownTerms = ["Bingo", "Board games", "Dominoes club"];

const venueKinds = ["Community Centre", "Library", "Church Hall", "Leisure Centre", "Community Hub", "Methodist Hall", "Mosque Community Room", "Gurdwara Hall", "Park Pavilion", "Youth Centre", "Tenants' Hall", "Family Hub"];
const orgKinds = ["Community Network", "Neighbourhood Trust", "Wellbeing Collective", "Community Association", "Residents' Association", "Good Neighbours", "Friends of the Park", "Community Kitchen", "Older People's Forum", "Arts Collective"];
const days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
export const DEMO_TAXONOMY = "Chest Atlas demo activity types";

function weightedPick<T>(rng: () => number, items: readonly T[], weight: (t: T) => number): T {
  let total = 0;
  for (const item of items) total += Math.max(0, weight(item));
  let x = rng() * total;
  for (const item of items) {
    x -= Math.max(0, weight(item));
    if (x < 0) return item;
  }
  return items[items.length - 1];
}

const pad = (n: number, width = 4) => String(n).padStart(width, "0");
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

interface Venue {
  id: string;
  name: string;
  lon: number;
  lat: number;
  lsoa: DemoLsoa;
  weight: number;
}

interface FundedGrant {
  grantId: string;
  recipientId: string;
  recipientName: string;
  lsoa21cd: string | null;
  need: string | null;
}

async function demoGrants(db: Db): Promise<FundedGrant[]> {
  const link = await findGrantsTable(db);
  if (!link || link.table !== "grants") return [];
  const cols = new Set(
    (await db.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'grants'`)).map((c) => c.column_name),
  );
  if (!["grant_id", "recipient_id", "recipient_name"].every((c) => cols.has(c))) return [];
  const lsoa = cols.has("recipient_lsoa21cd") ? "recipient_lsoa21cd" : "NULL";
  const themes = cols.has("themes") ? "themes" : "NULL";
  const orgOnly = cols.has("recipient_type") ? "WHERE recipient_type = 'organisation'" : "";
  const rows = await db.all<{ grant_id: string; recipient_id: string; recipient_name: string; lsoa21cd: string | null; themes: string | null }>(
    `SELECT grant_id::VARCHAR AS grant_id, recipient_id::VARCHAR AS recipient_id, recipient_name::VARCHAR AS recipient_name,
            ${lsoa}::VARCHAR AS lsoa21cd, ${themes}::VARCHAR AS themes
     FROM grants ${orgOnly} ORDER BY grant_id`,
  );
  const lookup = needLookup();
  return rows
    .filter((r) => r.recipient_id && r.recipient_name)
    .map((r) => ({
      grantId: r.grant_id,
      recipientId: r.recipient_id,
      recipientName: r.recipient_name,
      lsoa21cd: r.lsoa21cd,
      need: (r.themes ?? "").split(";").map((t) => resolveNeed(t, lookup)).find((n) => n !== null) ?? null,
    }));
}

export interface DemoDirectoryOptions {
  /** Activities to generate (default 360). */
  services?: number;
}

/** Generate the demo directory from the built database; writes one Open Referral UK JSON file (a paged API response) and returns its path. */
export async function generateDemoServices(ctx: DemoContext, options: DemoDirectoryOptions = {}): Promise<string[]> {
  const { db, place, seed, log } = ctx;
  const target = options.services ?? 360;
  const rng = mulberry32((seed ^ 0x5e41ce5) >>> 0);
  const lsoas = await db.all<DemoLsoa>(
    `SELECT lsoa21cd, msoa21cd, msoa_name, lad_code, lad_name, population::INTEGER AS population, area_km2::DOUBLE AS area_km2,
            centroid_lon::DOUBLE AS centroid_lon, centroid_lat::DOUBLE AS centroid_lat
     FROM lsoa ORDER BY lsoa21cd`,
  );
  if (!lsoas.length) throw new Error("the database has no LSOAs: run `chest build` first");
  const [{ geojson }] = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'lsoa'`);
  const index = buildSpatialIndex(JSON.parse(geojson) as FeatureCollection<Polygon | MultiPolygon>, { codeProperty: "code" });
  const byCode = new Map(lsoas.map((l) => [l.lsoa21cd, l]));

  // Neighbourhoods (MSOAs): population-weighted centre and density; busy, dense ones get more venues
  const msoas = new Map<string, { code: string; name: string; lad: string; pop: number; lon: number; lat: number; area: number; lsoas: DemoLsoa[] }>();
  for (const l of lsoas) {
    const m = msoas.get(l.msoa21cd) ?? { code: l.msoa21cd, name: l.msoa_name, lad: l.lad_name, pop: 0, lon: 0, lat: 0, area: 0, lsoas: [] };
    m.pop += l.population;
    m.lon += l.population * l.centroid_lon;
    m.lat += l.population * l.centroid_lat;
    m.area += l.area_km2;
    m.lsoas.push(l);
    msoas.set(l.msoa21cd, m);
  }
  const neighbourhoods = [...msoas.values()].map((m) => ({ ...m, lon: m.lon / m.pop, lat: m.lat / m.pop, density: m.pop / Math.max(m.area, 0.05) }));
  const densities = neighbourhoods.map((m) => m.density).sort((a, b) => a - b);
  const median = densities[Math.floor(densities.length / 2)];
  const weightOf = (m: (typeof neighbourhoods)[number]) => m.pop * Math.pow(m.density / median, 0.8);

  // Venues: near the neighbourhood's centre (its high street), inside a real LSOA
  const venues: Venue[] = [];
  const venueCount = Math.max(20, Math.round(target * 0.45));
  for (let v = 0; v < venueCount; v++) {
    const m = weightedPick(rng, neighbourhoods, weightOf);
    const home = weightedPick(rng, m.lsoas, (l) => l.population);
    let lon = home.centroid_lon;
    let lat = home.centroid_lat;
    for (let attempt = 0; attempt < 25; attempt++) {
      const t = rng() * 0.7; // pulled towards the neighbourhood centre
      const jitterLon = (rng() - 0.5) * 0.004;
      const jitterLat = (rng() - 0.5) * 0.0026;
      const x = home.centroid_lon + t * (m.lon - home.centroid_lon) + jitterLon;
      const y = home.centroid_lat + t * (m.lat - home.centroid_lat) + jitterLat;
      if (index.locate(x, y)) {
        lon = x;
        lat = y;
        break;
      }
    }
    const code = index.locate(lon, lat) ?? home.lsoa21cd;
    const lsoa = byCode.get(code) ?? home;
    venues.push({
      id: `demo-loc-${pad(v + 1)}`,
      name: `${m.name} ${venueKinds[Math.floor(rng() * venueKinds.length)]}`,
      lon: round6(lon),
      lat: round6(lat),
      lsoa,
      weight: weightOf(m) / m.lsoas.length,
    });
  }
  venues.sort((a, b) => a.id.localeCompare(b.id));
  const venuesByLad = new Map<string, Venue[]>();
  for (const v of venues) venuesByLad.set(v.lsoa.lad_code, [...(venuesByLad.get(v.lsoa.lad_code) ?? []), v]);
  const ladCodes = [...new Set(lsoas.map((l) => l.lad_code))].sort();
  const ladName = new Map(lsoas.map((l) => [l.lad_code, l.lad_name]));

  // Organisations: small groups named after their neighbourhood (marked demo), plus the demo grants' recipients
  const grants = await demoGrants(db);
  const orgs = new Map<string, { id: string; name: string; description: string }>();
  const localOrg = (venue: Venue) => {
    const id = `demo-org-${venue.lsoa.msoa21cd}-${Math.floor(rng() * 3)}`;
    if (!orgs.has(id))
      orgs.set(id, { id, name: `${venue.lsoa.msoa_name} ${orgKinds[Math.floor(rng() * orgKinds.length)]} (demo)`, description: `${SYNTHETIC_LABEL}. A made-up community group.` });
    return orgs.get(id)!;
  };

  const services: Record<string, unknown>[] = [];
  let n = 0;
  const nextId = () => `demo-svc-${pad(++n)}`;

  const schedule = (id: string, attending?: string) => {
    const r = rng();
    const dtstart = "2025-04-01";
    const base = { id, dtstart, valid_from: "2025-04-01", opens_at: `${10 + Math.floor(rng() * 8)}:00:00`, ...(attending ? { attending_type: attending } : {}) };
    if (r < 0.6) return [{ ...base, freq: "WEEKLY", interval: 1, byday: days[Math.floor(rng() * 6)] }];
    if (r < 0.75) {
      const a = Math.floor(rng() * 5);
      return [{ ...base, freq: "WEEKLY", interval: 1, byday: `${days[a]},${days[a + 2]}` }];
    }
    if (r < 0.85) return [{ ...base, freq: "WEEKLY", interval: 2, byday: days[Math.floor(rng() * 6)] }];
    if (r < 0.95) return [{ ...base, freq: "MONTHLY", interval: 1, byday: `${1 + Math.floor(rng() * 3)}${days[Math.floor(rng() * 5)]}` }];
    return [];
  };

  const makeService = (opts: {
    need: string | null;
    venue: Venue | null;
    org: { id: string; name: string; description: string };
    funding?: string;
    remote?: "online" | "home" | "helpline";
    lad?: string;
  }) => {
    const id = nextId();
    const activity = opts.need ? activities.find((a) => a.need === opts.need) ?? weightedPick(rng, activities, (a) => a.weight) : weightedPick(rng, activities, (a) => a.weight);
    const [kind, terms] = activity.kinds[Math.floor(rng() * activity.kinds.length)];
    const allTerms = [...terms];
    if (rng() < 0.03) allTerms.push(unknownTerms[Math.floor(rng() * unknownTerms.length)]);
    const statusDraw = rng();
    const status = statusDraw < 0.96 ? "active" : statusDraw < 0.98 ? "temporarily closed" : "inactive";
    const where = opts.venue ? ` at ${opts.venue.name}` : opts.lad ? ` across ${ladName.get(opts.lad)}` : "";
    const attending = opts.remote === "online" ? "Online, by video call" : opts.remote === "home" ? "Home visits" : opts.remote === "helpline" ? "By telephone" : undefined;
    const sals: Record<string, unknown>[] = [];
    if (opts.venue)
      sals.push({
        id: `${id}-at-${opts.venue.id}`,
        location: { id: opts.venue.id, location_type: "physical", name: opts.venue.name, latitude: opts.venue.lat, longitude: opts.venue.lon },
      });
    if (opts.remote === "online") sals.push({ id: `${id}-online`, location: { id: "demo-loc-online", location_type: "virtual", name: "Online" } });
    const attributes: Record<string, unknown>[] = allTerms.map((term, i) => ({
      id: `${id}-term-${i + 1}`,
      taxonomy_term: { id: `demo-term-${term.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, name: term, description: term, taxonomy: DEMO_TAXONOMY },
    }));
    if (rng() < 0.7)
      attributes.push({ id: `${id}-capacity`, taxonomy_term: { id: "demo-term-capacity", name: "Capacity", description: "Places per session", taxonomy: DEMO_TAXONOMY }, value: String(8 + Math.floor(rng() * 33)) });
    const service: Record<string, unknown> = {
      id,
      name: `${kind}${where}`,
      description: `${SYNTHETIC_LABEL}. ${kind}${where}, run by ${opts.org.name}.`,
      status,
      organization: opts.org,
      service_at_locations: sals,
      schedules: (() => {
        const s = schedule(`${id}-schedule`, attending);
        return s.length || !attending ? s : [{ id: `${id}-schedule`, freq: "WEEKLY", interval: 1, byday: "MO", attending_type: attending }];
      })(),
      attributes,
      last_modified: "2025-04-01T00:00:00Z",
    };
    if (opts.lad)
      service.service_areas = [{ id: `${id}-area`, name: ladName.get(opts.lad), uri: `http://statistics.data.gov.uk/id/statistical-geography/${opts.lad}`, extent_type: "text" }];
    if (opts.funding) service.funding = [{ id: `${id}-funding`, source: opts.funding }];
    services.push(service);
  };

  // 1. services run by organisations the demo chest funded (about a third of its grants), near where the money went
  for (const g of grants) {
    if (rng() >= 0.35 || services.length >= target * 0.3) continue;
    const org = { id: g.recipientId, name: g.recipientName, description: `${SYNTHETIC_LABEL}. Recipient of a demo Community Chest grant.` };
    const home = g.lsoa21cd ? byCode.get(g.lsoa21cd) : undefined;
    const near = home ? venues.filter((v) => v.lsoa.lad_code === home.lad_code) : venues;
    const venue = weightedPick(rng, near.length ? near : venues, (v) => (home && v.lsoa.msoa21cd === home.msoa21cd ? 5 : 1) * v.weight);
    makeService({ need: g.need, venue, org, funding: `Community Chest grant ${g.grantId} (demo round)` });
  }
  // 2. remote and borough-wide services: online groups, home visiting, a helpline
  for (const lad of ladCodes) {
    const office = (venuesByLad.get(lad) ?? venues)[0];
    makeService({ need: "loneliness", venue: null, org: localOrg(office), remote: "helpline", lad });
    makeService({ need: rng() < 0.5 ? "mental_wellbeing" : "carers", venue: office, org: localOrg(office), remote: "home", lad });
    if (rng() < 0.6) makeService({ need: null, venue: null, org: localOrg(office), remote: "online", lad });
  }
  // 3. everything else at the venues, busier venues getting more
  while (services.length < target) {
    const venue = weightedPick(rng, venues, (v) => v.weight);
    const other = rng() < 0.12;
    makeService({ need: null, venue, org: localOrg(venue), funding: other ? "Funded by a local charitable trust (demo)" : undefined });
  }

  const file = join(ctx.outDir, `demo-services-${place.id}.json`);
  mkdirSync(ctx.outDir, { recursive: true });
  const body = {
    synthetic: SYNTHETIC_LABEL,
    total_items: services.length,
    total_pages: 1,
    page_number: 1,
    size: services.length,
    first_page: true,
    last_page: true,
    empty: services.length === 0,
    contents: services,
  };
  const tmp = `${file}.part`;
  writeFileSync(tmp, JSON.stringify(body, null, 1) + "\n");
  renameSync(tmp, file);
  log.progress(`demo services: ${services.length} activities at ${venues.length} venues, ${orgs.size + new Set(grants.map((g) => g.recipientId)).size} organisations${grants.length ? `, linked to ${grants.length} demo grants` : " (no grants table: none chest-funded)"}`);
  return [file];
}
