// The need categories social prescribing referrals are counted under, their synonyms, and the rule that maps a free label to one (browser-safe, pure).
//
// A referral names one or more needs ("loneliness; debt"). Each label is normalised (normaliseNeedLabel) and
// looked up among the category keys, labels and synonyms below, plus any synonyms the place configuration adds
// (`needSynonyms` in data/places/<place>.json). A label that matches nothing is reported back to the person who
// sent the file; it is never mapped to the nearest category by guesswork.
//
// The categories follow the needs link workers record most often in NHS England's social prescribing guidance
// and the London Community Chest pilots (loneliness, mental wellbeing, cost of living, physical activity…).
// "other" exists because case systems have it; it is only used when the file says "other".

export interface NeedCategory {
  /** Stable key used in the database and published tables: lower-case letters and underscores. */
  key: string;
  /** Plain name shown on pages. */
  label: string;
  /** One line on what it covers. */
  description: string;
  /** Other labels that mean this category (normalised before matching). */
  synonyms: readonly string[];
}

/** The key under which every referral is counted once, whatever its needs. */
export const ALL_NEEDS = "all";
export const ALL_NEEDS_LABEL = "All needs";

export const NEED_CATEGORIES: readonly NeedCategory[] = Object.freeze([
  {
    key: "loneliness",
    label: "Loneliness and isolation",
    description: "Feeling lonely or cut off; wanting company, befriending or a group to belong to.",
    synonyms: ["loneliness and isolation", "isolation", "social isolation", "lonely", "befriending", "social connection", "social contact"],
  },
  {
    key: "mental_wellbeing",
    label: "Mental wellbeing",
    description: "Low mood, anxiety, stress or wanting to feel better in themselves (not crisis care).",
    synonyms: ["mental health", "mental wellbeing", "emotional wellbeing", "wellbeing", "low mood", "anxiety", "stress", "depression"],
  },
  {
    key: "cost_of_living",
    label: "Cost of living and debt",
    description: "Money worries, debt, benefits, fuel poverty.",
    synonyms: ["cost of living", "cost of living and debt", "debt", "money", "money advice", "debt advice", "finance", "financial", "financial wellbeing", "benefits", "welfare benefits", "benefits advice", "fuel poverty", "income"],
  },
  {
    key: "housing",
    label: "Housing",
    description: "Housing problems, risk of homelessness, poor or overcrowded homes.",
    synonyms: ["housing", "housing advice", "homelessness", "accommodation", "housing support"],
  },
  {
    key: "physical_activity",
    label: "Physical activity",
    description: "Wanting to be more active: walking, sport, exercise groups.",
    synonyms: ["physical activity", "exercise", "sport", "physical exercise", "active lifestyle", "inactivity", "walking", "healthy lifestyle"],
  },
  {
    key: "long_term_conditions",
    label: "Long-term conditions",
    description: "Living well with a long-term condition or disability; self-management and peer support.",
    synonyms: ["long term conditions", "long term condition", "ltc", "ltcs", "chronic condition", "chronic illness", "self management", "disability", "chronic pain"],
  },
  {
    key: "carers",
    label: "Carers",
    description: "Support for unpaid carers.",
    synonyms: ["carer", "carers", "carer support", "unpaid carer", "unpaid carers", "caring responsibilities"],
  },
  {
    key: "employment",
    label: "Employment and skills",
    description: "Work, training, volunteering as a route to work, learning.",
    synonyms: ["employment", "employment and skills", "work", "job", "jobs", "unemployment", "training", "skills", "education", "learning", "back to work"],
  },
  {
    key: "food",
    label: "Food",
    description: "Food poverty, food banks and pantries, healthy eating.",
    synonyms: ["food", "food poverty", "food insecurity", "food bank", "food banks", "nutrition", "healthy eating"],
  },
  {
    key: "digital_inclusion",
    label: "Digital inclusion",
    description: "Getting online: devices, data, skills.",
    synonyms: ["digital", "digital inclusion", "digital skills", "internet", "getting online", "technology"],
  },
  {
    key: "bereavement",
    label: "Bereavement",
    description: "Grief and loss.",
    synonyms: ["bereavement", "grief", "loss"],
  },
  {
    key: "arts_creativity",
    label: "Arts, culture and creativity",
    description: "Arts, music, crafts, heritage and culture.",
    synonyms: ["arts", "arts and culture", "creative", "creativity", "culture", "music", "crafts", "arts on prescription"],
  },
  {
    key: "family_support",
    label: "Family and parenting",
    description: "Parenting, family relationships, childcare.",
    synonyms: ["family", "parenting", "family support", "childcare", "relationships"],
  },
  {
    key: "legal_advice",
    label: "Legal and immigration advice",
    description: "Legal, immigration and asylum advice.",
    synonyms: ["legal", "legal advice", "immigration", "immigration advice", "asylum"],
  },
  {
    key: "other",
    label: "Other",
    description: "Recorded as 'other' in the case system.",
    synonyms: ["other", "others"],
  },
]);

export type NeedKey = string;

const byKey = new Map(NEED_CATEGORIES.map((c) => [c.key, c]));

/** Plain name of a category key ("all" → "All needs"); the key itself when unknown. */
export function needLabel(key: string): string {
  if (key === ALL_NEEDS) return ALL_NEEDS_LABEL;
  return byKey.get(key)?.label ?? key;
}

export function isNeedKey(key: string): boolean {
  return byKey.has(key);
}

/**
 * The form labels are compared in: lower case, "&" read as "and", every run of other characters than a–z and
 * 0–9 turned into one space, trimmed. "Cost-of-Living & Debt " → "cost of living and debt".
 * The pipelines apply the same rule in SQL (pipelines/referrals/vocabulary.ts, needNormaliseSql); a test keeps
 * the two in step.
 */
export function normaliseNeedLabel(label: string): string {
  return label.toLowerCase().replaceAll("&", " and ").replace(/[^a-z0-9]+/g, " ").trim();
}

export class NeedSynonymError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NeedSynonymError";
  }
}

/**
 * Normalised label → category key, from the built-in keys, labels and synonyms plus `extra` (label → key or
 * category label). Extra synonyms may re-point a built-in synonym (the place knows its case system) but not a
 * category's own key or label. Throws NeedSynonymError naming the bad entry.
 */
export function needLookup(extra: Readonly<Record<string, string>> = {}): Map<string, NeedKey> {
  const lookup = new Map<string, NeedKey>();
  const fixed = new Set<string>();
  for (const c of NEED_CATEGORIES) {
    for (const own of [c.key, c.label]) {
      const n = normaliseNeedLabel(own);
      lookup.set(n, c.key);
      fixed.add(n);
    }
  }
  for (const c of NEED_CATEGORIES) {
    for (const s of c.synonyms) {
      const n = normaliseNeedLabel(s);
      const known = lookup.get(n);
      if (known !== undefined && known !== c.key) throw new NeedSynonymError(`built-in synonym "${s}" is claimed by ${known} and ${c.key}`);
      lookup.set(n, c.key);
    }
  }
  const keyOf = (target: string): NeedKey | undefined => {
    if (byKey.has(target)) return target;
    const n = normaliseNeedLabel(target);
    return NEED_CATEGORIES.find((c) => normaliseNeedLabel(c.key) === n || normaliseNeedLabel(c.label) === n)?.key;
  };
  for (const [label, target] of Object.entries(extra)) {
    const n = normaliseNeedLabel(label);
    if (n === "") throw new NeedSynonymError(`needSynonyms: "${label}" has no letters or digits`);
    if (n === ALL_NEEDS) throw new NeedSynonymError(`needSynonyms: "${label}" is reserved (it means every referral)`);
    const key = keyOf(target);
    if (key === undefined) {
      throw new NeedSynonymError(
        `needSynonyms: "${label}" points to "${target}", which is not a need category (use one of ${NEED_CATEGORIES.map((c) => c.key).join(", ")})`,
      );
    }
    if (fixed.has(n) && lookup.get(n) !== key) {
      throw new NeedSynonymError(`needSynonyms: "${label}" is the name of the category ${lookup.get(n)} and cannot be re-pointed to ${key}`);
    }
    lookup.set(n, key);
  }
  return lookup;
}

/** The category a single label means, or null when it matches none (report it; never guess). */
export function resolveNeed(label: string, lookup: ReadonlyMap<string, NeedKey>): NeedKey | null {
  return lookup.get(normaliseNeedLabel(label)) ?? null;
}

/** Split a needs field on ";" into trimmed, non-empty labels. */
export function splitNeeds(field: string): string[] {
  return field
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
