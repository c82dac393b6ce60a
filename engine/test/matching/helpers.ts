import type { CandidateInput, MatchMentor } from '../../src/matching/types.js';

let nextRowId = 1;

export function mentor(overrides: Partial<MatchMentor> = {}): MatchMentor {
  const rowId = overrides.rowId ?? nextRowId++;
  return {
    rowId,
    externalId: `m-${String(rowId).padStart(4, '0')}`,
    name: `Mentor ${rowId}`,
    headline: 'Engineering manager',
    bio: 'I have managed engineering teams for ten years. I enjoy coaching new managers through their first year.',
    skills: ['Leadership'],
    languages: ['en'],
    timezone: 'UTC',
    yearsExperience: 10,
    capacityPerMonth: 4,
    active: true,
    ...overrides,
  };
}

export function candidate(m: MatchMentor, overrides: Partial<CandidateInput> = {}): CandidateInput {
  return {
    mentor: m,
    wholeSimilarity: 0.4,
    passageSimilarities: [],
    lexicalSimilarity: 0,
    servedThisMonth: 0,
    shownRecently: 0,
    ...overrides,
  };
}
