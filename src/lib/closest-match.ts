/**
 * The candidate closest to `word` by edit distance, for "did you mean …?" hints: at most 2
 * edits, and fewer than half of the word's length; case differences count as no edit. Failing
 * that, the only candidate that `word` abbreviates (`prod` → `production`, at least 3 letters).
 * `undefined` when nothing is close.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const target = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(target, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.min(2, Math.floor(Math.max(word.length, 1) / 2));
  if (best !== undefined && bestDistance <= limit && best !== word) return best;
  if (target.length < 3) return undefined;
  const expansions = [...candidates].filter((c) => c.toLowerCase().startsWith(target) && c !== word);
  return expansions.length === 1 ? expansions[0] : undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const above = d[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[rows - 1]![cols - 1]!;
}
