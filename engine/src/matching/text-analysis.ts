/** Tokenising for lexical matching and term evidence; every token keeps its character offsets. */

export interface Token {
  /** Stemmed, lower-case form used for matching. */
  term: string;
  /** Lower-case surface form, as in the text. */
  surface: string;
  start: number;
  end: number;
  stop: boolean;
}

// Words of letters and digits, inner apostrophes kept ("don't", "Google's"), and a trailing "++" or "#"
// so that C++ and C# stay distinct from C.
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*(?:\+\+|#)?(?![\p{L}\p{N}])/gu;

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below
  between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
  for from further get got had hadn't has hasn't have haven't having he her here hers herself him himself his how
  i i'd i'll i'm i've if in into is isn't it it's its itself just let's me more most my myself no nor not now of
  off on once only or other ought our ours ourselves out over own really same she should shouldn't so some such
  than that that's the their theirs them themselves then there there's these they they're this those through to
  too under until up us very was wasn't we we're were weren't what what's when where which while who whom why
  will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves s t ve ll re d m
  want need like help someone anyone something advice question looking`
    .split(/\s+/)
    .filter(Boolean),
);

const VOWEL = /[aeiouy]/;
const KEEP_DOUBLE = new Set(['l', 's', 'z', 'f']);

/**
 * A light English stemmer (plural, -ing, -ed, final e) so "negotiations", "negotiating" and "negotiated" meet.
 * Deliberately conservative: words with digits ("k8s") and short words are left alone.
 */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  // Bounded: a flood of unique words (ids, typos) must not grow memory without limit.
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  const stemmed = stemUncached(word);
  stemCache.set(word, stemmed);
  return stemmed;
}

const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

function stemUncached(word: string): string {
  let w = word
    .toLowerCase()
    .replace(/['’]s$/, '')
    .replace(/['’]/g, '');
  if (w.length <= 3 || /\d|\+|#/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is|ys)$/.test(w)) w = w.slice(0, -1);

  let suffixRemoved = false;
  if (w.endsWith('ing') && w.length >= 6 && VOWEL.test(w.slice(0, -3))) {
    w = w.slice(0, -3);
    suffixRemoved = true;
  } else if (w.endsWith('ed') && w.length >= 5 && VOWEL.test(w.slice(0, -2))) {
    w = w.slice(0, -2);
    suffixRemoved = true;
  }
  const last = w[w.length - 1]!;
  if (suffixRemoved && w.length >= 4 && last === w[w.length - 2] && !VOWEL.test(last) && !KEEP_DOUBLE.has(last)) {
    w = w.slice(0, -1);
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const surface = m[0].toLowerCase();
    const start = m.index;
    const previous = tokens[tokens.length - 1];
    tokens.push({
      term: stem(surface),
      surface,
      start,
      end: start + m[0].length,
      stop: STOP_WORDS.has(surface.replace(/’/g, "'")),
    });
    // "co-founder" must also meet "cofounder" (and "e-mail" "email"): a hyphenated pair adds its joined form.
    if (previous && !previous.stop && start === previous.end + 1 && /[-‐‑]/.test(text[previous.end]!)) {
      const joined = previous.surface + surface;
      tokens.push({
        term: stem(joined),
        surface: text.slice(previous.start, start + m[0].length).toLowerCase(),
        start: previous.start,
        end: start + m[0].length,
        stop: false,
      });
    }
  }
  return tokens;
}

/** Stemmed terms without stop words, in text order (duplicates kept). */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  // The indexing hot path: no Token objects, since offsets are not needed here.
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const surface = m[0].toLowerCase();
    if (!STOP_WORDS.has(surface.replace(/’/g, "'"))) terms.push(stem(surface));
  }
  return terms;
}
