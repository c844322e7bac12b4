// The workshop's decision record: the agreed scenario with its data vintages, every partner's weights, the allocation, the equity preview and the rationale, as JSON and CSV (pure, browser-safe; `chest ingest decisions` reads the JSON back).
import { csvCell } from "./csv.js";

export const RECORD_KIND = "chest-atlas/decision-record";
/** 2: weights are the need stage's components (50 = as configured) and themes; 1 (still read by `chest ingest decisions`): the seven IoD domains and stand-in themes. */
export const RECORD_VERSION = 2;
export const RECORD_VERSIONS_READ = [1, 2] as const;

export interface RecordAllocationRow {
  area_code: string;
  area_name: string;
  population: number;
  /** Need index score (higher = more need) and rank (1 = most need) under the group's weights. */
  need_score: number | null;
  need_rank: number | null;
  amount: number;
  share: number;
  per_head_part: number;
  need_part: number;
  gap_adjustment: number;
  bound: "floor" | "cap" | null;
  reasons: string;
  /** Each theme's part of the amount, when the pot is split by theme. */
  themes?: Record<string, number>;
}

export interface RecordEquity {
  spend: number;
  core20_spend_share: number | null;
  core20_population_share: number | null;
  concentration_index: number | null;
  deciles: { decile: number; population: number; spend: number; spend_per_head: number | null }[];
}

export interface DecisionRecord {
  kind: typeof RECORD_KIND;
  version: (typeof RECORD_VERSIONS_READ)[number];
  /** When the record was exported (ISO 8601) and the workshop's date (yyyy-mm-dd). */
  exported_at: string;
  date: string;
  place: { id: string; name: string };
  title: string;
  synthetic: boolean;
  vintages: { iod: string; referral_period: string | null; ledger_files: string[] };
  scenario: {
    pot: number;
    alpha: number;
    unit: number;
    layer: string;
    standardisation: string;
    /** Whether the pot was split between the themes in play (absent in version 1 records). */
    theme_split?: boolean;
    group_method: "median" | "mean";
    pace_of_change: number | null;
    floor: number | null;
    cap: number | null;
    bounds: Record<string, { floor?: number; cap?: number }>;
    url_state: string;
  };
  weights: {
    keys: string[];
    labels: string[];
    group: number[];
    partners: { label: string; weights: number[] }[];
  };
  allocation: RecordAllocationRow[];
  equity: { proposal: RecordEquity; last_round: (RecordEquity & { round: string }) | null };
  notes: string[];
  rationale: string;
}

/** A CSV field through the project's one formula-safe writer (csv.ts); numbers rounded to 6 decimals, non-finite → empty. */
export function csvField(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? csvCell(Math.round(value * 1e6) / 1e6) : "";
  return csvCell(value);
}

/** The allocation table as CSV (plain numbers, one row per area), preceded by commented lines naming the decision. */
export function recordToCsv(record: DecisionRecord): string {
  const themeKeys = Object.keys(record.allocation[0]?.themes ?? {});
  const header = ["area_code", "area_name", "population", "need_score", "need_rank", "amount", "share", "per_head_part", "need_part", "gap_adjustment", "bound", "reasons", ...themeKeys.map((k) => `theme_${k}`)];
  const lines = [
    `# ${record.title}; ${record.place.name}; ${record.date}; pot ${record.scenario.pot}; layer ${record.scenario.layer}${record.synthetic ? "; SYNTHETIC DEMO DATA" : ""}`,
    header.join(","),
    ...record.allocation.map((r) =>
      [r.area_code, r.area_name, r.population, r.need_score, r.need_rank, r.amount, r.share, r.per_head_part, r.need_part, r.gap_adjustment, r.bound, r.reasons, ...themeKeys.map((k) => r.themes?.[k] ?? 0)]
        .map(csvField)
        .join(","),
    ),
  ];
  return lines.join("\r\n") + "\r\n";
}

/** File name for the record's downloads, e.g. "north-east-london-decision-2026-12-01.json". */
export function recordFileName(record: Pick<DecisionRecord, "place" | "date">, extension: "json" | "csv"): string {
  return `${record.place.id}-decision-${record.date}.${extension}`;
}
