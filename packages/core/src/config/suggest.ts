/** "Did you mean" suggestions for misspelt option names and choices. */

/**
 * Edit distance counting a swap of two adjacent characters as one edit (optimal string alignment), since
 * `prot` for `port` is the typical typo. Names are short, so the full table is cheap.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Folds case and separators so that `max_num_seqs`, `max-num-seqs` and `maxNumSeqs` all compare equal. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: same name in another casing or
 * separator style, or within roughly one edit per three characters.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(folded.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "port"?)`, or an empty string when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
