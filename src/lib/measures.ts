// The deprivation measures the pages offer, with plain names, and which layers and editions have them.

export interface Measure {
  key: string;
  label: string;
  kind: "index" | "domain" | "supplementary index" | "sub-domain";
  /** Area summaries (MSOA, ward, local authority) are published for the IMD and the seven domains only. */
  summarised: boolean;
  /** IoD2019 ranks and deciles exist for the IMD and the seven domains. */
  in2019: boolean;
}

const m = (key: string, label: string, kind: Measure["kind"]): Measure => ({
  key,
  label,
  kind,
  summarised: kind === "index" || kind === "domain",
  in2019: kind === "index" || kind === "domain",
});

export const measures: Measure[] = [
  m("imd", "Index of Multiple Deprivation (IMD)", "index"),
  m("income", "Income", "domain"),
  m("employment", "Employment", "domain"),
  m("education", "Education, skills and training", "domain"),
  m("health", "Health deprivation and disability", "domain"),
  m("crime", "Crime", "domain"),
  m("barriers", "Barriers to housing and services", "domain"),
  m("living_env", "Living environment", "domain"),
  m("idaci", "Income deprivation affecting children (IDACI)", "supplementary index"),
  m("idaopi", "Income deprivation affecting older people (IDAOPI)", "supplementary index"),
  m("sub_children", "Children and young people (education sub-domain)", "sub-domain"),
  m("sub_adult_skills", "Adult skills (education sub-domain)", "sub-domain"),
  m("sub_geographical", "Geographical barriers (barriers sub-domain)", "sub-domain"),
  m("sub_wider", "Wider barriers (barriers sub-domain)", "sub-domain"),
  m("sub_indoors", "Indoors living environment (sub-domain)", "sub-domain"),
  m("sub_outdoors", "Outdoors living environment (sub-domain)", "sub-domain"),
];

export const layers = [
  { key: "lsoa", label: "Neighbourhood (LSOA, about 1,500 residents)", plural: "neighbourhoods (LSOAs)" },
  { key: "msoa", label: "MSOA (named neighbourhood, about 8,000 residents)", plural: "MSOAs" },
  { key: "ward", label: "Electoral ward", plural: "wards" },
  { key: "lad", label: "Local authority", plural: "local authorities" }, // pages use the place's own word (overview.term)
  { key: "partnership", label: "Place-based partnership", plural: "partnerships" },
] as const;

export const summaryStatistics = [
  { key: "average_rank", label: "Average rank (higher = more deprived)", share: false },
  { key: "average_score", label: "Average score (higher = more deprived)", share: false },
  { key: "proportion_most_deprived_10", label: "Share of LSOAs in England's most deprived 10%", share: true },
  { key: "extent", label: "Extent: share of residents in the most deprived 30%, weighted", share: true },
  { key: "local_concentration", label: "Local concentration (higher = more deprived)", share: false },
] as const;

/** Decile change between editions: negative = the area fell towards the most deprived end. */
export function decileChange(decile2025: number | null | undefined, decile2019: number | null | undefined): number | null {
  if (decile2025 == null || decile2019 == null) return null;
  return decile2025 - decile2019;
}

export function changeWords(change: number | null): string {
  if (change === null) return "no comparison";
  if (change === 0) return "same decile as 2019";
  const n = Math.abs(change);
  return change < 0 ? `${n} decile${n > 1 ? "s" : ""} more deprived than 2019` : `${n} decile${n > 1 ? "s" : ""} less deprived than 2019`;
}
