// Splitting pence exactly in SQL (largest remainder), and storing a split compactly: per group only the cut-off that says which rows get the extra penny, so the rows can be spread again by a view, to the penny.

/**
 * Each row's whole share (`base`) and remainder (`rem`) of `total` in proportion to `weight` out of the group's
 * `wsum` over `n` rows (all weights zero → equal split). Products that fit in BIGINT (|total| and the weight sum
 * below 3·10⁹, the usual case) are computed in BIGINT; larger ones in HUGEINT (exact either way; HUGEINT
 * division is several times slower).
 */
export function shareSql(total: string, weight: string, wsum: string, n: string): { base: string; rem: string } {
  const small = `abs(${total}) < 3000000000 AND ${wsum} < 3000000000`;
  return {
    base: `CASE WHEN ${wsum} = 0 THEN ${total}::BIGINT // ${n}
      WHEN ${small} THEN (${total}::BIGINT * ${weight}::BIGINT) // ${wsum}::BIGINT
      ELSE ((${total}::HUGEINT * ${weight}) // ${wsum})::BIGINT END`,
    rem: `CASE WHEN ${wsum} = 0 THEN ${total}::BIGINT % ${n}
      WHEN ${small} THEN (${total}::BIGINT * ${weight}::BIGINT) % ${wsum}::BIGINT
      ELSE ((${total}::HUGEINT * ${weight}) % ${wsum})::BIGINT END`,
  };
}

/** Column sums: `sums` names columns of the source that already hold each group's weight sum and row count. */
function withGroupSums(source: string, key: string, weight: string, sums?: { weight: string; count: string }): string {
  return sums
    ? `SELECT *, ${sums.weight} AS _wsum, ${sums.count} AS _n FROM (${source})`
    : `SELECT *, sum(${weight}) OVER (PARTITION BY ${key}) AS _wsum, count(*) OVER (PARTITION BY ${key}) AS _n FROM (${source})`;
}

/** Every row with its share, the group's leftover pence and the row's rank for them (one window: partition and order). */
function rankedSql(source: string, key: string, total: string, weight: string, tiebreak: string, sums?: { weight: string; count: string }): string {
  const { base, rem } = shareSql(total, weight, "_wsum", "_n");
  return `
    WITH w AS (
      ${withGroupSums(source, key, weight, sums)}
    ), b AS (
      SELECT *, ${base} AS _base, ${rem} AS _rem FROM w
    )
    SELECT *, ${total} - sum(_base) OVER _g AS _left, row_number() OVER _g AS _rank
    FROM b
    WINDOW _g AS (PARTITION BY ${key} ORDER BY _rem DESC, ${tiebreak} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
}

/**
 * Largest-remainder apportionment in SQL: split `total` of each `key` group over its rows in proportion to
 * `weight` (whole numbers ≥ 0; all zero → equal split), ties to the smaller `tiebreak`. Adds column `amount`.
 */
export function apportionSql(source: string, key: string, total: string, weight: string, tiebreak: string, sums?: { weight: string; count: string }): string {
  return `
    SELECT * EXCLUDE (_wsum, _n, _base, _rem, _left, _rank), (_base + CASE WHEN _rank <= _left THEN 1 ELSE 0 END)::BIGINT AS amount
    FROM (${rankedSql(source, key, total, weight, tiebreak, sums)})`;
}

/**
 * The same apportionment kept as one cut-off per `key` group (only groups where some row gets an extra penny):
 * the group's `key` columns, and the remainder (`rem_cut`) and tiebreak (`tie_cut`) of the last row that gets one.
 * spreadSql gives every row its amount back from them. `tieValue`: what tie_cut holds, when `tiebreak` is a cheaper
 * column in the same order (a number for a text code: the sort is then on numbers only).
 */
export function cutSql(source: string, key: string, total: string, weight: string, tiebreak: string, sums?: { weight: string; count: string }, tieValue = tiebreak): string {
  return `
    SELECT ${key}, _rem AS rem_cut, ${tieValue} AS tie_cut
    FROM (${rankedSql(source, key, total, weight, tiebreak, sums)}) WHERE _rank = _left`;
}

/**
 * A row's amount from its group's cut-off (see cutSql): its whole share, plus a penny when it ranks at or before
 * the cut-off (larger remainder, or the same remainder and a tiebreak not after it). A NULL cut-off: no extra pennies.
 */
export function spreadSql(total: string, weight: string, wsum: string, n: string, tiebreak: string, remCut: string, tieCut: string): string {
  const { base, rem } = shareSql(total, weight, wsum, n);
  return `((${base}) + CASE WHEN (${rem}) > ${remCut} OR ((${rem}) = ${remCut} AND ${tiebreak} <= ${tieCut}) THEN 1 ELSE 0 END)::BIGINT`;
}
