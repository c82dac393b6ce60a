import { createHash } from 'node:crypto';
import { mentorEmbeddingText, type MentorInput } from '../domain/mentor.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { StoredEmbedding } from '../db/embedding-repository.js';
import { splitPassages } from '../matching/passages.js';

export function contentHash(modelId: string, m: Pick<MentorInput, 'headline' | 'bio' | 'skills'>): string {
  return createHash('sha256').update(modelId).update('\0').update(mentorEmbeddingText(m)).digest('hex').slice(0, 32);
}

/** Embeds the whole mentor text and each bio passage in one batch call. */
export async function embedMentors(
  embedder: EmbeddingProvider,
  mentors: readonly { rowId: number; input: MentorInput }[],
): Promise<StoredEmbedding[]> {
  const texts: string[] = [];
  const layout = mentors.map(({ rowId, input }) => {
    const spans = splitPassages(input.bio);
    texts.push(mentorEmbeddingText(input), ...spans.map((s) => input.bio.slice(s.start, s.end)));
    return { rowId, input, spans };
  });
  const vectors = await embedder.embed(texts);
  let at = 0;
  return layout.map(({ rowId, input, spans }) => {
    const vector = vectors[at++]!;
    const passageVectors = spans.map(() => vectors[at++]!);
    return {
      mentorId: rowId,
      contentHash: contentHash(embedder.id, input),
      vector,
      passageVectors,
      passageSpans: spans.map((s) => [s.start, s.end] as [number, number]),
    };
  });
}
