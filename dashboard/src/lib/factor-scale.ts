import type { Schemas } from './api/client.js';

export interface FactorContribution {
  name: string;
  contribution: number;
}

export interface FactorBar {
  name: string;
  label: string;
  contribution: number;
  /** Bar width in percent of the shared scale, 0 to 100. */
  width: number;
  /** Share of the mentor's score in percent (of the positive contributions). */
  share: number;
  negative: boolean;
  /** What the factor means, in a mentee's words; null for a factor this dashboard does not know. */
  meaning: string | null;
}

const labels: Record<Schemas['Explanation']['factors'][number]['name'], string> = {
  semantic: 'Meaning',
  lexical: 'Exact terms',
  skills: 'Skills',
  language: 'Language',
  timezone: 'Time zone',
  capacity: 'Capacity',
  experience: 'Experience gap',
  fairness: 'Fairness',
  responsiveness: 'Responsiveness',
  helpfulness: 'Helpfulness',
};

/** What each factor rewards, said to a mentee: the cards show no raw contributions. */
const meanings: Record<Schemas['Explanation']['factors'][number]['name'], string> = {
  semantic: 'their bio is close in meaning to your question',
  lexical: 'their profile uses the words of your question',
  skills: 'they list skills your question names',
  language: 'they speak a language you speak',
  timezone: 'their working hours overlap yours',
  capacity: 'they have free sessions this month',
  experience: 'their experience is a step ahead of yours',
  fairness: 'mentors suggested less often get their turn',
  responsiveness: 'they answer requests in time; a new mentor counts as average',
  helpfulness: 'mentees rated their sessions helpful; a new mentor counts as average',
};

/** Human label for a factor name; unknown factors still read well ("someNewFactor" → "Some new factor"). */
export function factorLabel(name: string): string {
  const known = (labels as Record<string, string | undefined>)[name];
  if (known) return known;
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Bar geometry for a mentor's factor contributions. `scale` is shared by all cards on a page (the
 * best score) so bars compare across mentors; without it the mentor's own positive total is used.
 * Negative contributions (penalties) get a bar by magnitude and are flagged.
 */
export function factorBars(factors: readonly FactorContribution[], scale?: number): FactorBar[] {
  const clean = factors.map((f) => ({ ...f, contribution: Number.isFinite(f.contribution) ? f.contribution : 0 }));
  const positive = clean.reduce((sum, f) => sum + Math.max(0, f.contribution), 0);
  const largest = clean.reduce((max, f) => Math.max(max, Math.abs(f.contribution)), 0);
  const denominator = Math.max(scale && scale > 0 ? scale : positive, largest);
  return clean.map((f) => ({
    name: f.name,
    label: factorLabel(f.name),
    contribution: f.contribution,
    width: denominator > 0 ? Math.min(100, (Math.abs(f.contribution) / denominator) * 100) : 0,
    share: positive > 0 && f.contribution > 0 ? (f.contribution / positive) * 100 : 0,
    negative: f.contribution < 0,
    meaning: (meanings as Record<string, string | undefined>)[f.name] ?? null,
  }));
}
