// The publish gate across layers: published geographies must nest, and no group of LSOAs finer than the published areas may be bounded to a small count by differencing with rounding intervals.
//
// Why: protectTable (disclosure.ts) protects the relations it is told about, treating published figures as exact.
// An attacker who holds every published layer at once can also subtract overlapping areas from one another: a ward
// and an MSOA that differ by one LSOA give that LSOA's count, to within the intervals that rounding to 5 leaves
// (10 − 10 ⇒ 0–4). In north east London 26 ward/MSOA pairs differ by one or two LSOAs. So:
//
// 1. `checkNesting`: the geographic layers published together must form a chain in which every area of a finer
//    layer lies wholly inside one area of each coarser layer (LSOA → MSOA → borough → place, or LSOA → ward →
//    borough → place). Crossing layers (ward with MSOA) are refused. In a nested chain every difference of
//    published areas is a union of whole published areas of the finest layer, so nothing finer can be isolated.
// 2. `crossLayerAttack`: the attack itself, for audits and tests, on any layers (nested or not). Every published
//    figure becomes the interval of counts it can come from: a published 0 is exactly 0; a published v > 0 is
//    v − ⌊r/2⌋ … v + ⌈r/2⌉ − 1 (and above the threshold); a hidden figure is 1 … threshold when it was hidden for
//    being small (the attacker is assumed to know which — stronger than any real reader) and 0 … ∞ otherwise.
//    Areas with the same LSOAs in two layers are one area (intervals intersected). Then, for every area A and
//    every other layer, A minus each area of that layer inside A, and A minus all of them together, bound the
//    group left over: max(0, A.lo − ΣB.hi) … A.hi − ΣB.lo. A group that is finer than the published layers (not a
//    union of whole areas of any of them) is a violation when its range lies within 1 … threshold
//    ("bounded-small"), or when its true count is 1 … threshold and the range's top is at most the threshold
//    ("narrowed-small", e.g. the 0–4 above for a true 2).
// The gate runs both on everything about to leave: `gateAreaTable` is the API for any output built from records
// about people (referrals, outcomes, need index components): protectTable block by block, the exact audit, the
// nesting check and the attack; it throws IntegrityError and nothing is published when anything is wrong.
// PCNs are not geographic (a PCN's referrals come from its practices' lists, which cross every area layer) and
// add up only to the place total, a relation protectTable already holds; they are outside this check.
import { IntegrityError } from "../errors.ts";
import {
  auditPublished,
  DisclosureError,
  parsePolicy,
  protectTable,
  type CountCell,
  type DisclosurePolicy,
  type DisclosurePolicyInput,
  type Flag,
  type ProtectedTable,
  type PublishedCell,
  type TableStructure,
} from "./disclosure.ts";

/** One published geographic layer: each area's code and the LSOAs (2021) it is made of. */
export interface GeoLayer {
  layer: string;
  areas: ReadonlyMap<string, readonly string[]>;
}

/** A published figure as the attacker sees it, with the flag the gate knows (null value = hidden). */
export interface LayerCell {
  layer: string;
  code: string;
  category: string;
  value: number | null;
  flag?: Flag;
}

export interface CrossLayerViolation {
  rule: "bounded-small" | "narrowed-small";
  category: string;
  /** "A minus B" in words, e.g. "msoa E02000001 − ward E05000001". */
  attack: string;
  lsoas: string[];
  lo: number;
  hi: number;
  message: string;
}

/** The layers that fail to nest, as DisclosureError with an example of two crossing areas; nothing when they nest. */
export function checkNesting(layers: readonly GeoLayer[]): void {
  const areaOf = layers.map((l) => lsoaIndex(l));
  for (let i = 0; i < layers.length; i++) {
    for (let j = i + 1; j < layers.length; j++) {
      const ij = finerThan(layers[i]!, areaOf[j]!);
      const ji = finerThan(layers[j]!, areaOf[i]!);
      if (ij === null || ji === null) continue;
      throw new DisclosureError(
        `the ${layers[i]!.layer} and ${layers[j]!.layer} layers cross and cannot be published together: ` +
          `${layers[i]!.layer} ${ij[0]} lies in ${layers[j]!.layer}s ${ij[1]}, and ${layers[j]!.layer} ${ji[0]} in ${layers[i]!.layer}s ${ji[1]}, ` +
          `so subtracting one from the other would narrow the count of a group of LSOAs that is not published (publish one of them, see pipelines/publish/gate.ts)`,
      );
    }
  }
}

function lsoaIndex(layer: GeoLayer): Map<string, string> {
  const out = new Map<string, string>();
  for (const [code, lsoas] of layer.areas) for (const l of lsoas) out.set(l, code);
  return out;
}

/** Null when every area of `layer` lies inside one area of the other layer; else an example [area, "X and Y"]. */
function finerThan(layer: GeoLayer, otherAreaOf: ReadonlyMap<string, string>): [string, string] | null {
  for (const [code, lsoas] of [...layer.areas].sort((a, b) => cmp(a[0], b[0]))) {
    const others = [...new Set(lsoas.map((l) => otherAreaOf.get(l) ?? "(none)"))].sort(cmp);
    if (others.length > 1) return [code, others.slice(0, 2).join(" and ")];
  }
  return null;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The counts a published figure can have come from, as the attacker knows them. */
export function countInterval(value: number | null, flag: Flag | undefined, policy: DisclosurePolicy): [number, number] {
  if (value === null) return flag === "suppressed" ? [1, policy.threshold] : [0, Infinity];
  if (value === 0) return [0, 0];
  return [Math.max(policy.threshold + 1, value - Math.floor(policy.rounding / 2)), value + Math.ceil(policy.rounding / 2) - 1];
}

interface Node {
  key: string; // sorted LSOA codes joined
  lsoas: string[];
  names: string[];
  lo: number;
  hi: number;
  ids: string[]; // "layer|code" of the areas it stands for
}

/**
 * The differencing attack over every published geographic layer together (see the file header). `truth`, when
 * given, returns the true count of a group of LSOAs in a category, for the "narrowed-small" rule. Returns every
 * violation found (empty when the layers are safe), in a fixed order.
 */
export function crossLayerAttack(
  cells: readonly LayerCell[],
  layers: readonly GeoLayer[],
  policyInput: DisclosurePolicyInput,
  truth?: (category: string, lsoas: readonly string[]) => number,
): CrossLayerViolation[] {
  const policy = parsePolicy(policyInput);
  const geo = new Map(layers.map((l) => [l.layer, l]));
  const areaOf = new Map(layers.map((l) => [l.layer, lsoaIndex(l)]));
  // Containment does not depend on the category: for each area, the areas of each other layer strictly inside it.
  const inside = new Map<string, Map<string, string[]>>(); // "layer|code" of A → layer → codes of B ⊊ A
  for (const b of layers) {
    for (const [code, lsoas] of b.areas) {
      for (const a of layers) {
        if (a === b || lsoas.length === 0) continue;
        const containers = new Set(lsoas.map((l) => areaOf.get(a.layer)!.get(l) ?? ""));
        if (containers.size !== 1 || containers.has("")) continue;
        const [aCode] = containers;
        if ((a.areas.get(aCode!)?.length ?? 0) <= lsoas.length) continue; // same LSOAs: one node
        const byLayer = inside.get(`${a.layer}|${aCode}`) ?? inside.set(`${a.layer}|${aCode}`, new Map()).get(`${a.layer}|${aCode}`)!;
        (byLayer.get(b.layer) ?? byLayer.set(b.layer, []).get(b.layer)!).push(code);
      }
    }
  }
  /** A group is at published resolution when some layer covers it with whole areas. */
  const finer = (group: readonly string[]): boolean => {
    const set = new Set(group);
    return ![...geo.values()].some((l) =>
      group.every((lsoa) => {
        const area = l.areas.get(areaOf.get(l.layer)!.get(lsoa) ?? "");
        return area !== undefined && area.every((x) => set.has(x));
      }),
    );
  };
  // A layer whose areas never share an LSOA "tiles" an area when every LSOA of the area lies in one of its areas wholly
  // inside it. Then the area minus any of that layer's areas leaves whole areas of the layer: never finer. Computed once
  // per area and layer (not per category), so the nested case (place minus each MSOA) costs no LSOA list at all.
  const partition = new Set(
    layers
      .filter((l) => {
        const seen = new Set<string>();
        for (const lsoas of l.areas.values()) for (const x of lsoas) if (seen.size === seen.add(x).size) return false;
        return true;
      })
      .map((l) => l.layer),
  );
  const tiledBy = new Map<string, boolean>(); // "layer|code" of A, layer → whether that layer tiles A
  const tiles = (a: Node, layer: string): boolean => {
    if (!partition.has(layer)) return false;
    const key = `${a.ids[0]}\u001f${layer}`;
    let tiled = tiledBy.get(key);
    if (tiled === undefined) {
      const set = new Set(a.lsoas);
      const l = geo.get(layer)!;
      tiled = a.lsoas.every((lsoa) => {
        const area = l.areas.get(areaOf.get(layer)!.get(lsoa) ?? "");
        return area !== undefined && area.every((x) => set.has(x));
      });
      tiledBy.set(key, tiled);
    }
    return tiled;
  };
  const byCategory = new Map<string, LayerCell[]>();
  for (const c of cells) if (geo.has(c.layer)) (byCategory.get(c.category) ?? byCategory.set(c.category, []).get(c.category)!).push(c);
  const out: CrossLayerViolation[] = [];

  for (const category of [...byCategory.keys()].sort(cmp)) {
    // One node per distinct LSOA set, intervals intersected across the layers that publish it.
    const nodes = new Map<string, Node>();
    const nodeOf = new Map<string, Node>(); // "layer|code" → node
    for (const c of byCategory.get(category)!) {
      const lsoas = [...(geo.get(c.layer)!.areas.get(c.code) ?? [])].sort(cmp);
      if (lsoas.length === 0) continue;
      const key = lsoas.join(",");
      const [lo, hi] = countInterval(c.value, c.flag, policy);
      const n = nodes.get(key);
      if (n) {
        n.lo = Math.max(n.lo, lo);
        n.hi = Math.min(n.hi, hi);
        n.names.push(`${c.layer} ${c.code}`);
      } else nodes.set(key, { key, lsoas, names: [`${c.layer} ${c.code}`], lo, hi, ids: [] });
      nodes.get(key)!.ids.push(`${c.layer}|${c.code}`);
      nodeOf.set(`${c.layer}|${c.code}`, nodes.get(key)!);
    }
    const check = (a: Node, parts: readonly Node[], attack: string, wholeAreasLeft: boolean) => {
      const lo = Math.max(0, a.lo - parts.reduce((s, b) => s + b.hi, 0));
      const hi = a.hi - parts.reduce((s, b) => s + b.lo, 0);
      if (lo > hi) return; // figures that contradict each other under this model: nothing to learn
      const t = policy.threshold;
      // Both rules need the range's top at most the threshold; checked first, so the group of LSOAs left over (as long
      // as the area, and tested against every layer) is formed only for the few differences that can be small.
      if (hi > t || wholeAreasLeft) return;
      const removed = new Set(parts.flatMap((b) => b.lsoas));
      const group = a.lsoas.filter((l) => !removed.has(l));
      if (group.length === 0 || !finer(group)) return;
      let rule: CrossLayerViolation["rule"] | null = null;
      if (lo >= 1 && hi <= t) rule = "bounded-small";
      else if (hi <= t && truth) {
        const n = truth(category, group);
        if (n >= 1 && n <= t) rule = "narrowed-small";
      }
      if (!rule) return;
      const what = `${group.length} LSOA${group.length === 1 ? "" : "s"} (${group.slice(0, 3).join(", ")}${group.length > 3 ? ", …" : ""})`;
      out.push({ rule, category, attack, lsoas: group, lo, hi, message: `${attack} bounds ${what} to ${lo}–${hi}` });
    };
    for (const a of [...nodes.values()].sort((x, y) => cmp(x.key, y.key))) {
      if (a.hi === Infinity) continue;
      const partsByLayer = new Map<string, Map<string, Node>>();
      for (const id of a.ids) {
        for (const [layer, codes] of inside.get(id) ?? []) {
          const m = partsByLayer.get(layer) ?? partsByLayer.set(layer, new Map()).get(layer)!;
          for (const code of codes) {
            const b = nodeOf.get(`${layer}|${code}`);
            if (b && b !== a) m.set(b.key, b);
          }
        }
      }
      for (const [layer, m] of [...partsByLayer].sort((x, y) => cmp(x[0], y[0]))) {
        const parts = [...m.values()].sort((x, y) => cmp(x.key, y.key));
        const whole = tiles(a, layer);
        for (const b of parts) check(a, [b], `${a.names[0]} − ${b.names[0]}`, whole);
        if (parts.length > 1) check(a, parts, `${a.names[0]} − its ${parts.length} ${layer}s`, whole);
      }
    }
  }
  return out;
}

/** What `gateAreaTable` needs: the count cells, their relations, the policy, and the geography of the area keys. */
export interface GateInput {
  cells: readonly CountCell[];
  policy: DisclosurePolicyInput;
  structure: TableStructure;
  /** Every geographic layer among the cells: the layer of each cell key that is an area, and its LSOAs. */
  layers: readonly GeoLayer[];
  /** Cells that no relation connects may be protected separately (one measure in one year): the block of a category. */
  blockOf?: (category: string) => string;
  /** True counts of a group of LSOAs (for the "narrowed-small" rule); without it only "bounded-small" is checked. */
  truth?: (category: string, lsoas: readonly string[]) => number;
  /** Named in every error, e.g. "referrals". */
  what: string;
}

/**
 * The publish gate for any table of counts from records about people, over areas of one or more nested layers:
 * nesting check, protectTable (per block), auditPublished (exact), then the cross-layer attack. Returns the
 * protected table (flags kept for logs; publish `publicCells(table)` or values only). Throws IntegrityError
 * naming `what` when the layers cross, the table cannot be protected, or any audit finds anything.
 */
export function gateAreaTable(input: GateInput): ProtectedTable {
  const policy = parsePolicy(input.policy);
  let table: ProtectedTable;
  try {
    checkNesting(input.layers);
    table = protectByBlock(input.cells, policy, input.structure, input.blockOf ?? (() => ""));
  } catch (e) {
    if (e instanceof DisclosureError) throw new IntegrityError(`${input.what}: disclosure control failed, nothing published: ${e.message}`);
    throw e;
  }
  const violations = auditPublished({ cells: table.cells, policy, structure: input.structure });
  const layerOf = new Map<string, string>();
  for (const l of input.layers) for (const code of l.areas.keys()) layerOf.set(code, l.layer);
  const attack = crossLayerAttack(
    table.cells.filter((c) => layerOf.has(c.key)).map((c) => ({ layer: layerOf.get(c.key)!, code: c.key, category: c.category, value: c.value, flag: c.flag })),
    input.layers,
    policy,
    input.truth,
  );
  const problems = [...violations.map((v) => `${v.rule} at ${v.key} ${v.category}`), ...attack.map((v) => `${v.rule}: ${v.message} (${v.category})`)];
  if (problems.length) {
    throw new IntegrityError(`${input.what}: disclosure audit failed, nothing published (${problems.length} problem(s), e.g. ${problems.slice(0, 3).join("; ")})`);
  }
  return table;
}

/** protectTable on each block of cells that no relation connects to another, merged in the input order. */
export function protectByBlock(cells: readonly CountCell[], policy: DisclosurePolicy, structure: TableStructure, blockOf: (category: string) => string): ProtectedTable {
  const blocks = new Map<string, CountCell[]>();
  for (const c of cells) {
    const block = blockOf(c.category);
    (blocks.get(block) ?? blocks.set(block, []).get(block)!).push(c);
  }
  const out = new Map<string, PublishedCell>();
  for (const block of [...blocks.keys()].sort()) for (const c of protectTable(blocks.get(block)!, policy, structure).cells) out.set(`${c.key}\u001f${c.category}`, c);
  const merged = cells.map((c) => out.get(`${c.key}\u001f${c.category}`)!);
  const suppressed = merged.filter((c) => c.flag === "suppressed").length;
  const secondary = merged.filter((c) => c.flag === "secondary").length;
  return { policy, structure, cells: merged, summary: { cells: merged.length, published: merged.length - suppressed - secondary, suppressed, secondary } };
}
