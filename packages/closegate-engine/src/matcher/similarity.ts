import { wordsOf, type Line } from './prepare.js';
import { referenceSimilarity, referenceSimilarityBound, wordSimilarity } from './text.js';

/** How alike two lines read: the better of reference edit similarity and description word overlap (0..1). */
export function lineSimilarity(a: Line, b: Line): number {
  const words = wordSimilarity(wordsOf(a), wordsOf(b));
  // The reference cannot beat the words: skip its edit distance (the max is the same).
  if (referenceSimilarityBound(a.ref, b.ref) <= words) return words;
  return Math.max(referenceSimilarity(a.ref, b.ref), words);
}

/**
 * `lineSimilarity(a, b) >= min`, deciding on the cheap word overlap and the
 * length bound of the reference similarity first: the edit distance is
 * computed only when those cannot decide.
 */
export function isSimilar(a: Line, b: Line, min: number): boolean {
  if (wordSimilarity(wordsOf(a), wordsOf(b)) >= min) return true;
  if (referenceSimilarityBound(a.ref, b.ref) < min) return false;
  return referenceSimilarity(a.ref, b.ref) >= min;
}
