/**
 * Near-identical request descriptions, for flagging a possible 重复申请: the Dice coefficient
 * over character bigrams of the text with spaces and punctuation removed, which suits
 * Chinese text where word boundaries are not marked. Pure module.
 */
function bigrams(text: string): Map<string, number> {
  const normalized = text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  const chars = [...normalized];
  const counts = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i += 1) {
    const gram = chars[i]! + chars[i + 1]!;
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

export function descriptionSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  const total = [...x.values()].reduce((s, n) => s + n, 0) + [...y.values()].reduce((s, n) => s + n, 0);
  if (total === 0) return a.trim() === b.trim() ? 1 : 0;
  let shared = 0;
  for (const [gram, n] of x) shared += Math.min(n, y.get(gram) ?? 0);
  return (2 * shared) / total;
}

export const DUPLICATE_SIMILARITY_THRESHOLD = 0.8;
