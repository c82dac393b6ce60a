import { createHash } from 'node:crypto';
import { mentorProfileText, mentorWholeText, type MentorInput } from '../domain/mentor.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { StoredEmbedding } from '../db/embedding-repository.js';
import { splitPassages, type PassageSpan } from '../matching/passages.js';
import { centroid } from '../shared/vector-math.js';

export function contentHash(modelId: string, m: Pick<MentorInput, 'headline' | 'bio' | 'skills'>): string {
  return createHash('sha256').update(modelId).update('\0').update(mentorWholeText(m)).digest('hex').slice(0, 32);
}

/** The texts a mentor's embedding is made from, in order: the profile text (when there is one), then each bio passage. */
export function mentorEmbeddingTexts(input: MentorInput): { texts: string[]; spans: PassageSpan[] } {
  const spans = splitPassages(input.bio);
  const profile = mentorProfileText(input);
  return {
    texts: [...(profile === null ? [] : [profile]), ...spans.map((s) => input.bio.slice(s.start, s.end))],
    spans,
  };
}

/**
 * A mentor's stored embedding from the vectors of `mentorEmbeddingTexts`, in the same order. The mentor's
 * vector is their centroid. Embedding the whole text as well cost more encoder time than all the passages
 * together, for no measured gain: on the 41 labelled demo questions the centroid ranks as the whole-text
 * vector did, within one question (bench/demo-ranking.md).
 */
export function assembleEmbedding(
  modelId: string,
  rowId: number,
  input: MentorInput,
  spans: readonly PassageSpan[],
  vectors: readonly Float32Array[],
): StoredEmbedding {
  return {
    mentorId: rowId,
    contentHash: contentHash(modelId, input),
    vector: centroid(vectors),
    passageVectors: vectors.slice(vectors.length - spans.length),
    passageSpans: spans.map((s) => [s.start, s.end] as [number, number]),
  };
}

/** Embeds the texts of these mentors in one batch call. */
export async function embedMentors(
  embedder: EmbeddingProvider,
  mentors: readonly { rowId: number; input: MentorInput }[],
): Promise<StoredEmbedding[]> {
  const layout = mentors.map((m) => ({ ...m, ...mentorEmbeddingTexts(m.input) }));
  const vectors = await embedder.embed(layout.flatMap((m) => m.texts));
  let at = 0;
  return layout.map(({ rowId, input, texts, spans }) => {
    const own = vectors.slice(at, at + texts.length);
    at += texts.length;
    return assembleEmbedding(embedder.id, rowId, input, spans, own);
  });
}
