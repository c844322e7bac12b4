// The Workshop's whole state (one or two scenarios, every partner's weights) as a compact, versioned URL fragment, so a scenario can be bookmarked, shared and reopened exactly (pure, browser-safe).

export type Layer = "lsoa" | "msoa" | "ward" | "pcn" | "lad" | "partnership" | "neighbourhood";
export const LAYERS: readonly Layer[] = ["lsoa", "msoa", "ward", "pcn", "lad", "partnership", "neighbourhood"];
export const UNITS: readonly number[] = [1, 100, 1000];
/** "gaps": each component on its own scale, as the need stage and the Gaps page; the others put every component on one scale. */
export const METHODS = ["gaps", "exponential", "place_rank", "minmax"] as const;
export type Method = (typeof METHODS)[number];

export interface ScenarioPartner {
  label: string;
  /** One weight per key of the state's `keys` (components, then themes), 0–100. */
  weights: number[];
}

export interface Scenario {
  name: string;
  /** Pot in whole pounds. */
  pot: number;
  /** Universal share α, 0–1. */
  alpha: number;
  unit: number;
  layer: Layer;
  method: Method;
  group: "median" | "mean";
  partners: ScenarioPartner[];
  /** Split the pot between the themes in play by their weights (each theme's money follows its own need); false = one need, the themes blended. */
  split: boolean;
  /** Pace of change towards the need target given current provision, 0–1; null = no gap-led adjustment. */
  pace: number | null;
  floor: number | null;
  cap: number | null;
  /** Per-area floors and caps by area code. */
  bounds: Record<string, { floor?: number; cap?: number }>;
  rationale: string;
}

export interface WorkshopState {
  /** Weight keys (need components, then themes as "theme:<key>"), in slider order: the need stage's own keys. */
  keys: string[];
  scenarios: Scenario[];
}

/** 2: the need stage's components and themes (version 1 had the seven IoD domains and six stand-in themes, and is refused). */
export const STATE_VERSION = 2;
const PREFIX = `w${STATE_VERSION}.`;

/** A link that cannot be read back: the message says why. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The state as a URL fragment: "w1." + base64url of a positional JSON array (no field names, weights as integers). */
export function encodeState(state: WorkshopState): string {
  const compact = [
    state.keys,
    state.scenarios.map((s) => [
      s.name,
      s.pot,
      round4(s.alpha),
      s.unit,
      s.layer,
      s.method,
      s.group === "mean" ? 1 : 0,
      s.partners.map((p) => [p.label, p.weights.map((w) => Math.round(w))]),
      s.pace === null ? -1 : round4(s.pace),
      s.floor,
      s.cap,
      Object.entries(s.bounds).map(([id, b]) => [id, b.floor ?? null, b.cap ?? null]),
      s.rationale,
      s.split ? 1 : 0,
    ]),
  ];
  return PREFIX + toBase64Url(JSON.stringify(compact));
}

function need<T>(ok: boolean, what: string, value: unknown): asserts ok {
  if (!ok) throw new ScenarioError(`This link is damaged: ${what} (got ${JSON.stringify(value)?.slice(0, 40)}).`);
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === "string";
const optMoney = (x: unknown, what: string): number | null => {
  need(x === null || (isNum(x) && x >= 0), `${what} must be empty or £0 or more`, x);
  return x as number | null;
};

function decodeScenario(raw: unknown, nKeys: number, at: number): Scenario {
  need(Array.isArray(raw) && raw.length === 14, `scenario ${at + 1} has the wrong shape`, raw);
  const [name, pot, alpha, unit, layer, method, group, partners, pace, floor, cap, bounds, rationale, split] = raw as unknown[];
  need(isStr(name) && name.length <= 80, "a scenario name must be text", name);
  need(isNum(pot) && Number.isInteger(pot) && pot >= 0, "the pot must be a whole number of pounds", pot);
  need(isNum(alpha) && alpha >= 0 && alpha <= 1, "α must be between 0 and 1", alpha);
  need(isNum(unit) && UNITS.includes(unit), "the rounding unit must be £1, £100 or £1,000", unit);
  need(LAYERS.includes(layer as Layer), "the layer is unknown", layer);
  need((METHODS as readonly unknown[]).includes(method), "the standardisation is unknown", method);
  need(group === 0 || group === 1, "the group method must be median or mean", group);
  need(Array.isArray(partners) && partners.length >= 1 && partners.length <= 40, "there must be 1 to 40 partners", partners);
  const ps = (partners as unknown[]).map((p) => {
    need(Array.isArray(p) && isStr(p[0]) && p[0].length <= 60 && Array.isArray(p[1]) && p[1].length === nKeys, "a partner must have a label and one weight per slider", p);
    const weights = (p[1] as unknown[]).map((w) => {
      need(isNum(w) && w >= 0 && w <= 100, "weights must be 0–100", w);
      return w as number;
    });
    return { label: p[0] as string, weights };
  });
  need(isNum(pace) && (pace === -1 || (pace >= 0 && pace <= 1)), "the pace of change must be between 0 and 1", pace);
  need(Array.isArray(bounds), "area floors and caps must be a list", bounds);
  const bs: Scenario["bounds"] = {};
  for (const b of bounds as unknown[]) {
    need(Array.isArray(b) && b.length === 3 && isStr(b[0]), "an area bound must name its area", b);
    const f = optMoney(b[1], `the floor for ${b[0]}`);
    const c = optMoney(b[2], `the cap for ${b[0]}`);
    bs[b[0] as string] = { ...(f === null ? {} : { floor: f }), ...(c === null ? {} : { cap: c }) };
  }
  need(isStr(rationale) && rationale.length <= 20_000, "the rationale must be text", rationale);
  need(split === 0 || split === 1, "the theme split must be on or off", split);
  return {
    name: name as string,
    pot: pot as number,
    alpha: alpha as number,
    unit: unit as number,
    layer: layer as Layer,
    method: method as Method,
    group: group === 1 ? "mean" : "median",
    partners: ps,
    split: split === 1,
    pace: pace === -1 ? null : (pace as number),
    floor: optMoney(floor, "the common floor"),
    cap: optMoney(cap, "the common cap"),
    bounds: bs,
    rationale: rationale as string,
  };
}

/** Read a fragment written by encodeState (with or without the leading "#"); throws ScenarioError saying what is wrong. */
export function decodeState(fragment: string): WorkshopState {
  const text = fragment.replace(/^#/, "");
  const version = /^w(\d+)\./.exec(text);
  if (!version) throw new ScenarioError("This link holds no workshop scenario.");
  if (Number(version[1]) === 1) {
    throw new ScenarioError(
      "This link was made by an earlier Workshop page (version 1), whose weights were the seven IoD domains and six stand-in themes. The page now weighs the need index's own components and themes, as on the Gaps page, so those weights cannot be carried over: set them again (the decision record exported then still holds them).",
    );
  }
  if (Number(version[1]) !== STATE_VERSION) {
    throw new ScenarioError(`This link was made by version ${version[1]} of the Workshop page; this page reads version ${STATE_VERSION}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fromBase64Url(text.slice(PREFIX.length)));
  } catch {
    throw new ScenarioError("This link is damaged: it could not be decoded (was it cut short when copied?).");
  }
  need(Array.isArray(raw) && raw.length === 2, "the state has the wrong shape", raw);
  const [keys, scenarios] = raw as unknown[];
  need(Array.isArray(keys) && keys.every(isStr) && keys.length <= 60, "the slider names must be text", keys);
  need(Array.isArray(scenarios) && scenarios.length >= 1 && scenarios.length <= 2, "there must be one or two scenarios", scenarios);
  return { keys: keys as string[], scenarios: (scenarios as unknown[]).map((s, i) => decodeScenario(s, (keys as string[]).length, i)) };
}

/**
 * Carry a decoded state onto the sliders the page has now: weights for keys the page no longer has are dropped, new
 * keys get `fallback` (so an old link still opens after a component is added). Returns the notes to show.
 */
export function alignKeys(state: WorkshopState, keys: readonly string[], fallback: (key: string) => number): { state: WorkshopState; notes: string[] } {
  const notes: string[] = [];
  const dropped = state.keys.filter((k) => !keys.includes(k));
  const added = keys.filter((k) => !state.keys.includes(k));
  if (dropped.length) notes.push(`The link had weights for ${dropped.join(", ")}, which this page no longer offers; they were left out.`);
  if (added.length) notes.push(`This page offers ${added.join(", ")}, which the link did not have; they start at their defaults.`);
  const scenarios = state.scenarios.map((s) => ({
    ...s,
    partners: s.partners.map((p) => ({ label: p.label, weights: keys.map((k) => (state.keys.includes(k) ? p.weights[state.keys.indexOf(k)] : fallback(k))) })),
  }));
  return { state: { keys: [...keys], scenarios }, notes };
}
