/**
 * Builds a Hugging Face `tokenizer.json` (Unigram) whose ids equal those of the reference USE Lite
 * tokenizer in `@energetic-ai/embeddings` (a sentencepiece-style Viterbi over vocab.json).
 *
 * How the reference behaves, and how each behaviour is reproduced:
 * - Normalisation: NFKC, then every U+0020 becomes "▁" and one "▁" is prepended (not collapsed,
 *   not stripped; the empty string gives no tokens) -> normalizer Sequence[NFKC, Replace, Prepend].
 *   transformers.js returns no tokens for "" before normalising, like the reference.
 * - The first 6 entries (unk "�", "<s>", "</s>", extra_token_id_1..3) are never matched in text
 *   -> entries 1..5 are renamed to strings NFKC can never produce (they start with U+FB01, which
 *   NFKC turns into "fi"); id 0 stays the unk token.
 * - Null scores ("▁:", ":", "://", ...) act as 0 in the reference's arithmetic -> written as 0.
 *   ':30' keeps its +30.
 * - Duplicate pieces: the reference's trie keeps the last id and score -> earlier duplicates are
 *   renamed like the reserved entries, so each surface string has exactly the reference's id.
 * - Unknown characters get score 0 in the reference and a large penalty in HF Unigram; every
 *   char that starts a piece is itself a piece (checked below), so an unknown char always has
 *   exactly one covering node and the score offset cannot change the best path. Runs of unknowns
 *   are merged into one unk id in both.
 * - The reference treats a running best score of exactly 0 as "unset", so at the very start of a
 *   text a zero-score first piece ("▁:", "▁:)", "▁:(", "▁:-)") is always overridden by the split
 *   "▁" + ":..." -> a Split pre-tokenizer isolates a leading "▁" that is followed by ':'.
 */
export const RESERVED_COUNT = 6;
const UNREACHABLE_PREFIX = '\uFB01';

export type Vocabulary = Array<[string, number | null]>;

export function buildTokenizerJson(vocabulary: Vocabulary): object {
  const lastIndex = new Map<string, number>();
  vocabulary.forEach(([piece], i) => {
    if (i >= RESERVED_COUNT) lastIndex.set(piece, i);
  });
  const single = new Set(
    vocabulary
      .slice(RESERVED_COUNT)
      .map(([p]) => p)
      .filter((p) => [...p].length === 1),
  );
  for (const [piece] of vocabulary.slice(RESERVED_COUNT)) {
    const first = [...piece][0]!;
    if (!single.has(first))
      throw new Error(`vocabulary piece ${JSON.stringify(piece)} starts with a char that is not a piece itself`);
  }
  const zeroFirstPieces = vocabulary
    .slice(RESERVED_COUNT)
    .filter(([p, s]) => p.startsWith('▁') && p.length > 1 && (s ?? 0) === 0)
    .map(([p]) => p);
  const zeroFirstChars = [...new Set(zeroFirstPieces.map((p) => [...p][1]!))];
  if (zeroFirstChars.some((c) => !/^[:]$/.test(c))) {
    throw new Error(`unexpected zero-score pieces after "▁": ${zeroFirstPieces.join(' ')}`);
  }

  const vocab = vocabulary.map(([piece, score], i): [string, number] => {
    if (i === 0) return [piece, 0];
    if (i < RESERVED_COUNT || lastIndex.get(piece) !== i) return [`${UNREACHABLE_PREFIX}<unused_${i}>`, 0];
    return [piece, score ?? 0];
  });

  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
        { type: 'Prepend', prepend: '▁' },
      ],
    },
    pre_tokenizer: {
      type: 'Split',
      pattern: { Regex: '^▁(?=:)' },
      behavior: 'Isolated',
      invert: false,
    },
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: false },
  };
}

export function buildTokenizerConfig(vocabulary: Vocabulary, maxTokens: number): object {
  return {
    tokenizer_class: 'PreTrainedTokenizer',
    model_max_length: maxTokens,
    padding_side: 'right',
    truncation_side: 'right',
    clean_up_tokenization_spaces: false,
    unk_token: vocabulary[0]![0],
    // Any in-vocabulary token works: the graph ignores positions whose attention_mask is 0.
    pad_token: vocabulary[0]![0],
  };
}
