/**
 * The USE Lite reference tokenizer breaks exact score ties between segmentations towards the
 * shorter last piece ("222" -> "22" "2"); transformers.js' Unigram lattice breaks them towards the
 * longer one ("2" "22"). Ties only happen between reorderings of the same pieces, so no score in
 * tokenizer.json can separate them. This replaces the Viterbi of one loaded Unigram model instance
 * with the reference's order of relaxation; everything else (normalizer, pre-tokenizer, unknown
 * fusing, id lookup) stays transformers.js'.
 */
interface UnigramModelInstance {
  vocab: string[];
  scores: number[];
  unk_token_id: number;
  tokenize(normalized: string): string[];
}

interface TrieNode {
  children: Map<string, TrieNode>;
  score?: number;
}

export function isUnigramModel(model: unknown): model is UnigramModelInstance {
  const m = model as Partial<UnigramModelInstance> | null;
  return (
    !!m &&
    Array.isArray(m.vocab) &&
    Array.isArray(m.scores) &&
    typeof m.unk_token_id === 'number' &&
    typeof m.tokenize === 'function'
  );
}

export function useReferenceTieBreaking(model: UnigramModelInstance): void {
  const root: TrieNode = { children: new Map() };
  let longest = 0;
  model.vocab.forEach((piece, id) => {
    // The unk entry never matches text in the reference; a later duplicate overrides an earlier one.
    if (id === model.unk_token_id) return;
    const chars = Array.from(piece);
    longest = Math.max(longest, chars.length);
    let node = root;
    for (const c of chars) {
      let next = node.children.get(c);
      if (!next) {
        next = { children: new Map() };
        node.children.set(c, next);
      }
      node = next;
    }
    node.score = model.scores[id] ?? 0;
  });

  model.tokenize = (normalized: string): string[] => {
    const chars = Array.from(normalized);
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1);
    best[0] = 0;
    // Start-major relaxation visits each end's candidates in ascending start order, like the
    // reference's end-major loop, and `>=` lets the later start (shorter last piece) win ties.
    const relax = (start: number, end: number, score: number) => {
      const total = best[start]! + score;
      if (total >= best[end]!) {
        best[end] = total;
        from[end] = start;
      }
    };
    for (let start = 0; start < n; start++) {
      let node: TrieNode | undefined = root;
      let matched = false;
      for (let end = start + 1; end <= Math.min(n, start + longest); end++) {
        node = node.children.get(chars[end - 1]!);
        if (!node) break;
        if (node.score !== undefined) {
          relax(start, end, node.score);
          matched = true;
        }
      }
      // An unknown char scores 0 in the reference; it is returned as itself, which transformers.js
      // maps to the unk id and fuses with neighbouring unknowns.
      if (!matched) relax(start, start + 1, 0);
    }
    const pieces: string[] = [];
    for (let end = n; end > 0; end = from[end]!) pieces.push(chars.slice(from[end]!, end).join(''));
    return pieces.reverse();
  };
}
