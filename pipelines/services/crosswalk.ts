// The crosswalk from service-directory taxonomy terms to the need categories referrals use (browser-safe, pure): explicit rules first, then the need taxonomy's own names and synonyms.
//
// A service in an Open Referral UK directory carries taxonomy terms (HSDS 3 attributes → taxonomy_term; older
// feeds: service_taxonomys). Each term is matched on its name, code, `term`, or id — compared in the form
// normaliseNeedLabel gives — against:
//   1. the rules: DEFAULT_CROSSWALK below, plus any crosswalk file ingested with `chest ingest services FILE`
//      (a JSON {"crosswalk": [{need, taxonomy?, terms: [...]}]} or a CSV with columns need,taxonomy,term);
//      a rule with a taxonomy applies only to terms of that taxonomy (vocabulary);
//   2. the need categories' keys, labels and synonyms (src/lib/needs.ts), with the place's needSynonyms.
// A term may map to several needs (a "walk and talk" group is physical activity and mental wellbeing). A term
// that maps to none is reported as an unknown taxonomy term; it is never matched to the nearest need by guesswork.
import { needLookup, normaliseNeedLabel, type NeedKey } from "../../src/lib/needs.ts";

export interface CrosswalkRule {
  /** Need category key (src/lib/needs.ts). */
  need: NeedKey;
  /** Only for terms of this taxonomy / vocabulary (compared normalised); any taxonomy when absent. */
  taxonomy?: string;
  /** Term names, codes or ids that mean this need. */
  terms: readonly string[];
  /** Where the rule came from ("default" or a file name), for the Data page. */
  source?: string;
}

export interface TaxonomyTermLike {
  id?: string | null;
  name?: string | null;
  code?: string | null;
  term?: string | null;
  taxonomy?: string | null;
}

/**
 * Activity and service names as they appear in UK community directories (and social prescribing platforms), by
 * need. Only words that mean one thing are listed; anything else is left to the place's crosswalk file.
 */
export const DEFAULT_CROSSWALK: readonly CrosswalkRule[] = Object.freeze([
  {
    need: "loneliness",
    terms: ["befriending", "befriending service", "telephone befriending", "lunch club", "luncheon club", "coffee morning", "friendship group", "friendship cafe", "social club", "social group", "social activities", "community cafe", "tea dance", "knit and natter", "chatty cafe", "older people social group", "men s shed", "mens shed", "social isolation", "loneliness"],
  },
  {
    need: "mental_wellbeing",
    terms: ["mindfulness", "meditation", "counselling", "talking therapies", "talking therapy", "wellbeing group", "wellbeing cafe", "walk and talk", "men s shed", "mens shed", "mental health support", "mental health peer support", "stress management", "community garden", "gardening", "green social prescribing", "nature and wellbeing"],
  },
  {
    need: "cost_of_living",
    terms: ["money advice", "debt advice", "benefits advice", "welfare rights", "welfare benefits advice", "warm space", "warm spaces", "warm hub", "warm welcome", "energy advice", "fuel poverty advice", "citizens advice", "income maximisation", "cost of living support"],
  },
  {
    need: "housing",
    terms: ["housing advice", "homelessness support", "homelessness prevention", "tenancy support", "housing support", "rough sleeping"],
  },
  {
    need: "physical_activity",
    terms: ["walking football", "walking netball", "walking group", "health walk", "health walks", "chair based exercise", "seated exercise", "seated yoga", "yoga", "tai chi", "pilates", "dance", "dance class", "swimming", "gym", "exercise class", "football", "cycling", "running", "parkrun", "badminton", "table tennis", "bowls", "boxing", "zumba", "aerobics", "fitness", "strength and balance", "falls prevention exercise", "netball", "cricket", "basketball", "tennis", "walk and talk", "community garden", "gardening", "green gym", "sport and physical activity"],
  },
  {
    need: "long_term_conditions",
    terms: ["diabetes support", "diabetes peer support", "breathe easy", "stroke club", "stroke support", "arthritis support", "cardiac rehabilitation", "heart support group", "dementia cafe", "memory cafe", "dementia support", "parkinson s support", "cancer support", "chronic pain support", "pain management", "self management programme", "expert patients programme", "long covid support"],
  },
  {
    need: "carers",
    terms: ["carers group", "carers cafe", "carers support", "young carers", "carers assessment", "respite", "carer break"],
  },
  {
    need: "employment",
    terms: ["job club", "employment support", "employment advice", "cv workshop", "careers advice", "volunteering", "volunteering opportunities", "esol", "english classes", "english for speakers of other languages", "adult learning", "skills training", "apprenticeships", "work experience"],
  },
  {
    need: "food",
    terms: ["food bank", "foodbank", "community pantry", "pantry", "social supermarket", "community kitchen", "community fridge", "food club", "soup kitchen", "free meals", "cookery class", "cook and eat", "holiday activities and food", "community meal"],
  },
  {
    need: "digital_inclusion",
    terms: ["digital drop in", "computer class", "online skills", "device lending", "digital support", "internet access"],
  },
  {
    need: "bereavement",
    terms: ["bereavement support", "bereavement cafe", "grief support", "death cafe"],
  },
  {
    need: "arts_creativity",
    terms: ["choir", "community choir", "singing group", "singing for the brain", "art class", "art group", "craft group", "arts and crafts", "drama", "theatre group", "music group", "creative writing", "photography", "museum on prescription", "arts on prescription"],
  },
  {
    need: "family_support",
    terms: ["stay and play", "parent and toddler", "parent and baby group", "parenting support", "parenting course", "family hub", "children s centre"],
  },
  {
    need: "legal_advice",
    terms: ["legal advice", "immigration advice", "law centre", "asylum support"],
  },
]).map((r) => Object.freeze({ ...r, source: "default" }));

export interface Crosswalk {
  rules: readonly CrosswalkRule[];
  /** Need keys for a taxonomy term, sorted, deduplicated; [] when the term is unknown. */
  needsOf(term: TaxonomyTermLike): NeedKey[];
}

/**
 * Build the crosswalk from rules (default first, then files in order) and the place's extra need synonyms
 * (label → need key, as referrals use them). Throws NeedSynonymError for a bad synonym.
 */
export function buildCrosswalk(rules: readonly CrosswalkRule[], needSynonyms: Readonly<Record<string, string>> = {}): Crosswalk {
  const anyTaxonomy = new Map<string, Set<NeedKey>>();
  const byTaxonomy = new Map<string, Map<string, Set<NeedKey>>>();
  for (const rule of rules) {
    const target = rule.taxonomy ? byTaxonomy.get(normaliseNeedLabel(rule.taxonomy)) ?? new Map<string, Set<NeedKey>>() : anyTaxonomy;
    if (rule.taxonomy) byTaxonomy.set(normaliseNeedLabel(rule.taxonomy), target);
    for (const term of rule.terms) {
      const key = normaliseNeedLabel(term);
      if (key === "") continue;
      const set = target.get(key) ?? new Set<NeedKey>();
      set.add(rule.need);
      target.set(key, set);
    }
  }
  const lookup = needLookup(needSynonyms);
  return {
    rules,
    needsOf(term) {
      const found = new Set<NeedKey>();
      const scoped = term.taxonomy ? byTaxonomy.get(normaliseNeedLabel(term.taxonomy)) : undefined;
      for (const label of [term.name, term.code, term.term, term.id]) {
        if (!label) continue;
        const key = normaliseNeedLabel(String(label));
        if (key === "") continue;
        for (const need of anyTaxonomy.get(key) ?? []) found.add(need);
        for (const need of scoped?.get(key) ?? []) found.add(need);
        const direct = lookup.get(key);
        if (direct !== undefined) found.add(direct);
      }
      return [...found].sort();
    },
  };
}
