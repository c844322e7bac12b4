// The word a place uses for its local authorities ("borough", "district", "unitary authority"), so page text follows the place.

export interface AreaTerm {
  /** "unitary authority" */
  one: string;
  /** "unitary authorities" */
  many: string;
  /** "Unitary authority" (a column heading) */
  One: string;
  /** "Unitary authorities" (a section heading) */
  Many: string;
}

const byPrefix: Record<string, [string, string]> = {
  E06: ["unitary authority", "unitary authorities"],
  E07: ["district", "districts"],
  E08: ["borough", "boroughs"], // metropolitan boroughs
  E09: ["borough", "boroughs"], // London boroughs (and the City of London)
};

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The term for a place's local authority codes: one kind of code gives its own word, a mix "local authority"; `override` (the place file's areaTerm) wins. */
export function areaTerm(codes: readonly string[], override?: string): AreaTerm {
  let one: string;
  let many: string;
  if (override) {
    one = override.toLowerCase();
    many = one.endsWith("y") ? `${one.slice(0, -1)}ies` : `${one}s`;
  } else {
    const kinds = new Set(codes.map((c) => c.slice(0, 3)));
    const words = kinds.size === 1 ? byPrefix[[...kinds][0]] : undefined;
    [one, many] = words ?? ["local authority", "local authorities"];
  }
  return { one, many, One: capital(one), Many: capital(many) };
}

/** The singular or plural form for a count ("1 unitary authority", "8 boroughs"). */
export function termFor(term: AreaTerm, n: number): string {
  return n === 1 ? term.one : term.many;
}
