// Seeded synthetic Workshop inputs of any size (LSOA rows, per-theme rows, the need stage's theme configuration) for the model's tests and benchmark: sizes and shapes as the loaders publish them, values made up.
import { COMPONENTS, themeConfigs } from "../../src/lib/need-themes.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import type { LsoaRow, NeedConfig, ThemeRow } from "../../src/lib/workshop-model.ts";

/** The need stage's default themes and need-side components, as workshop-meta.json carries them. */
export function needConfig(nationalN = 33755): NeedConfig {
  const themes = themeConfigs().map((t) => ({ key: t.theme, label: t.label, components: t.need.filter((c) => c.weight > 0) }));
  const used = new Set(themes.flatMap((t) => t.components.map((c) => c.key)));
  const components = COMPONENTS.filter((c) => used.has(c.key) && c.source !== "provision").map(({ key, label, source, direction, method }) => ({ key, label, source, direction, method }));
  return { themes, components, nationalN };
}

/** `n` seeded LSOAs (five to an MSOA, seven to a ward, 33 boroughs, 12 partnerships, 40 PCNs) and their per-theme rows. */
export function workshopFixture(n: number, seed = 20251): { rows: LsoaRow[]; themeRows: ThemeRow[]; config: NeedConfig } {
  const rnd = mulberry32(seed);
  const config = needConfig();
  const rows: LsoaRow[] = Array.from({ length: n }, (_, i) => {
    const row: LsoaRow = {
      code: `E01${String(i).padStart(6, "0")}`, name: `LSOA ${i}`, msoa: `E02${String(Math.floor(i / 5)).padStart(6, "0")}`, msoa_name: `MSOA ${Math.floor(i / 5)}`,
      ward: `E05${String(Math.floor(i / 7)).padStart(6, "0")}`, ward_name: `Ward ${Math.floor(i / 7)}`, pcn: `U${String(i % 40).padStart(5, "0")}`, pcn_name: `PCN ${i % 40}`,
      lad: `E09${String(i % 33).padStart(6, "0")}`, lad_name: `Borough ${i % 33}`, partnership: `Partnership ${i % 12}`, neighbourhood: null, neighbourhood_name: null,
      population: 1000 + Math.floor(rnd() * 2000), imd_decile: 1 + Math.floor(rnd() * 10), spend_last: rnd() * 500, spend_all: rnd() * 1000,
    };
    for (const c of config.components) {
      if (c.source === "iod") row[c.key] = 1 + Math.floor(rnd() * 33755);
      else if (c.source !== "referral") row[c.key] = rnd() * (c.source === "census" ? 0.3 : 3);
    }
    return row;
  });
  const themeRows: ThemeRow[] = config.themes.flatMap((t) =>
    rows.map((_, i) => ({ lsoa: i, theme: t.key, referrals_per_1000: rnd() < 0.05 ? null : rnd() * 40, unmet_per_1000: rnd() < 0.05 ? null : rnd() * 10, provision_score: rnd() * 100 })),
  );
  return { rows, themeRows, config };
}
