import type { ScoredCandidate } from './ranker.js';
import type { SkillMatch, SkillsVocabulary } from './skills-vocabulary.js';
import { indexTerms, tokenize, type Token } from './text-analysis.js';
import type { FactorName } from './weights.js';

export interface ExplanationFactor {
  name: FactorName;
  value: number;
  weight: number;
  contribution: number;
}

/** A bio passage close to the question: `text === mentor.bio.slice(start, end)`. */
export interface PassageEvidence {
  kind: 'passage';
  text: string;
  start: number;
  end: number;
  /** Cosine between the question and the passage. */
  similarity: number;
}

/**
 * A question word found in the mentor's text. Offsets index the question and the field; for `skills` they
 * index `mentor.skills[skillIndex]`.
 */
export interface TermEvidence {
  term: string;
  questionStart: number;
  questionEnd: number;
  field: 'bio' | 'headline' | 'skills';
  skillIndex?: number;
  mentorStart: number;
  mentorEnd: number;
}

/** A skill named in the question that the mentor lists, as `mentor.skills[skillIndex]`. */
export interface SkillEvidence {
  skill: string;
  key: string;
  questionStart: number;
  questionEnd: number;
  skillIndex: number;
  mentorSkill: string;
}

export interface Explanation {
  factors: ExplanationFactor[];
  evidence: PassageEvidence[];
  terms: TermEvidence[];
  skills: SkillEvidence[];
  /** One to three sentences (topic, practical fit, track record) built only from the evidence and factors above. */
  reasons: string[];
  /** The factors the reasons speak of; each has a positive contribution. */
  reasonFactors: FactorName[];
}

export interface ExplanationOptions {
  maxPassages?: number;
  maxTermOccurrences?: number;
  /** Questions are written in this locale for language names ("Spanish"). */
  locale?: string;
  /** Terms too common among all profiles to be evidence (`commonTermsIn`); without it, none is. */
  isCommonTerm?: (term: string) => boolean;
}

/**
 * A term in one profile in twenty says little about why this mentor fits: quoting it ("mentions "first"") reads
 * as a reason and is a coincidence. Below COMMON_TERM_MIN profiles a share says nothing yet: in a programme of
 * six mentors, three negotiation coaches share "salary" and it is still the point.
 */
export const COMMON_TERM_SHARE = 0.05;
export const COMMON_TERM_MIN = 20;

/** Index terms (stemmed) that COMMON_TERM_SHARE or more of an index's profiles, and at least COMMON_TERM_MIN, hold. */
export function commonTermsIn(index: {
  size: number;
  documentFrequency(term: string): number;
}): (term: string) => boolean {
  const threshold = Math.max(COMMON_TERM_MIN, COMMON_TERM_SHARE * index.size);
  return (term) => index.documentFrequency(term) >= threshold;
}

/**
 * Everyday words that are rare in profiles but name no topic, so no profile count can tell they are coincidental
 * (a mentee's "night shifts" matching a bio's "a night course"). Index terms (stemmed), checked after stop words.
 */
const EVERYDAY_TERMS: ReadonlySet<string> = new Set(
  indexTerms(
    'first second third last next night nights day days morning evening week weeks month months year years today ' +
      'time times new old good bad lot thing things way really want need like get got make help',
  ),
);

/**
 * Below this cosine the best passage is only the least unrelated one, and quoting it as the reason would
 * claim a topic match that is not there. With USE Lite over the 2,000 demo mentors, the best passage of each
 * of the 41 labelled questions scores 0.488 to 0.82 (median 0.677), while gibberish, "hello" or "lorem ipsum"
 * still finds one at 0.26 to 0.41.
 */
export const QUOTE_MIN_SIMILARITY = 0.45;
const QUOTE_MAX = 160;
const QUOTE_CUT = 140;

const languageNames = new Map<string, Intl.DisplayNames>();

function languageName(code: string, locale: string): string {
  let names = languageNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'language' });
    languageNames.set(locale, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatHours(hours: number): string {
  const rounded = Math.round(hours * 2) / 2;
  return rounded === 0 ? `${Math.round(hours * 60)} minutes` : plural(rounded, 'hour', 'hours');
}

/** Mean helpfulness from which mentees' ratings count in a mentor's favour: "good" on the 1-5 scale. */
const GOOD_RATING = 3.5;

/** A time to answer, rounded up to what a mentee reads at a glance: minutes, hours, then days. */
function formatDuration(hours: number): string {
  if (hours < 1) return plural(Math.max(1, Math.ceil(hours * 60)), 'minute', 'minutes');
  if (hours <= 36) return plural(Math.ceil(hours), 'hour', 'hours');
  return plural(Math.ceil(hours / 24), 'day', 'days');
}

/** The passage, or its first words up to a word boundary: either way a verbatim piece of the bio. */
export function quotePassage(text: string): { quote: string; abbreviated: boolean } {
  if (text.length <= QUOTE_MAX) return { quote: text, abbreviated: false };
  const cut = text.lastIndexOf(' ', QUOTE_CUT);
  const quote = text.slice(0, cut > QUOTE_CUT / 2 ? cut : QUOTE_CUT).replace(/[\s,;:—–-]+$/, '');
  return { quote, abbreviated: true };
}

function passageEvidence(scored: ScoredCandidate, max: number): PassageEvidence[] {
  const { bio } = scored.candidate.mentor;
  // Spans come from storage: a span that no longer fits the bio is dropped, never reported.
  return scored.candidate.passageSimilarities
    .filter(
      (p) =>
        Number.isInteger(p.start) &&
        Number.isInteger(p.end) &&
        p.start >= 0 &&
        p.end <= bio.length &&
        p.start < p.end &&
        Number.isFinite(p.similarity),
    )
    .slice()
    .sort((a, b) => b.similarity - a.similarity || a.start - b.start)
    .slice(0, max)
    .map((p) => ({
      kind: 'passage',
      text: bio.slice(p.start, p.end),
      start: p.start,
      end: p.end,
      similarity: p.similarity,
    }));
}

function termEvidence(
  questionTokens: readonly Token[],
  scored: ScoredCandidate,
  maxPerTerm: number,
  isCommonTerm: (term: string) => boolean,
): TermEvidence[] {
  const { mentor } = scored.candidate;
  const fields: { field: TermEvidence['field']; skillIndex?: number; tokens: Token[] }[] = [
    { field: 'bio', tokens: tokenize(mentor.bio) },
    { field: 'headline', tokens: tokenize(mentor.headline) },
    ...mentor.skills.map((skill, skillIndex) => ({ field: 'skills' as const, skillIndex, tokens: tokenize(skill) })),
  ];
  const terms: TermEvidence[] = [];
  const seen = new Set<string>();
  for (const q of questionTokens) {
    if (q.stop || seen.has(q.term)) continue;
    seen.add(q.term);
    // Only terms that carry weight: not everyday words, not in a large share of all profiles.
    if (EVERYDAY_TERMS.has(q.term) || isCommonTerm(q.term)) continue;
    let found = 0;
    for (const { field, skillIndex, tokens } of fields) {
      for (const t of tokens) {
        if (t.term !== q.term || found >= maxPerTerm) continue;
        found++;
        terms.push({
          term: q.surface,
          questionStart: q.start,
          questionEnd: q.end,
          field,
          ...(skillIndex === undefined ? {} : { skillIndex }),
          mentorStart: t.start,
          mentorEnd: t.end,
        });
      }
    }
  }
  return terms;
}

function skillEvidence(
  questionSkills: readonly SkillMatch[],
  scored: ScoredCandidate,
  vocabulary: SkillsVocabulary,
): SkillEvidence[] {
  const matched = new Set(scored.details.matchedSkills);
  const mentorKeys = scored.candidate.mentor.skills.map((s) => vocabulary.keyOf(s));
  const out: SkillEvidence[] = [];
  const seen = new Set<string>();
  for (const s of questionSkills) {
    if (!matched.has(s.key) || seen.has(s.key)) continue;
    seen.add(s.key);
    const skillIndex = mentorKeys.indexOf(s.key);
    if (skillIndex < 0) continue;
    out.push({
      skill: s.skill,
      key: s.key,
      questionStart: s.start,
      questionEnd: s.end,
      skillIndex,
      mentorSkill: scored.candidate.mentor.skills[skillIndex]!,
    });
  }
  return out;
}

function fieldText(scored: ScoredCandidate, t: TermEvidence): string {
  const m = scored.candidate.mentor;
  const text = t.field === 'bio' ? m.bio : t.field === 'headline' ? m.headline : m.skills[t.skillIndex!]!;
  return text.slice(t.mentorStart, t.mentorEnd);
}

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/**
 * Evidence and reasons for one ranked candidate. Reasons mention a factor only when its contribution is
 * positive, and quote only verbatim text from the evidence.
 */
export function explainMatch(
  scored: ScoredCandidate,
  question: { text: string; tokens: readonly Token[]; skills: readonly SkillMatch[] },
  vocabulary: SkillsVocabulary,
  options: ExplanationOptions = {},
): Explanation {
  const { mentor } = scored.candidate;
  const factors: ExplanationFactor[] = scored.factors.map((f) => ({
    name: f.name,
    value: f.value,
    weight: f.weight,
    contribution: f.contribution,
  }));
  const positive = new Set(factors.filter((f) => f.contribution > 0).map((f) => f.name));
  const evidence = passageEvidence(scored, options.maxPassages ?? 3);
  const terms = termEvidence(
    question.tokens,
    scored,
    options.maxTermOccurrences ?? 3,
    options.isCommonTerm ?? (() => false),
  );
  const skills = skillEvidence(question.skills, scored, vocabulary);
  const locale = options.locale ?? 'en';
  const mentioned: FactorName[] = [];

  const topic: string[] = [];
  const top = evidence[0];
  if (positive.has('semantic') && top && top.similarity >= QUOTE_MIN_SIMILARITY) {
    const { quote, abbreviated } = quotePassage(top.text);
    topic.push(`their bio says "${quote}${abbreviated ? '…' : ''}"`);
    mentioned.push('semantic');
  }
  if (positive.has('skills') && skills.length) {
    topic.push(`lists ${list(skills.map((s) => s.mentorSkill))} among their skills`);
    mentioned.push('skills');
  }
  if (positive.has('lexical') && !mentioned.length) {
    // Longer words first: a rough stand-in for the rarer, more telling terms.
    const words: string[] = [];
    for (const t of [...terms].sort((a, b) => b.term.length - a.term.length || a.questionStart - b.questionStart)) {
      const surface = fieldText(scored, t);
      if (!words.some((w) => w.toLowerCase() === surface.toLowerCase())) words.push(surface);
      if (words.length === 3) break;
    }
    if (words.length) {
      topic.push(`mentions ${list(words.map((w) => `"${w}"`))}`);
      mentioned.push('lexical');
    }
  }

  const practical: string[] = [];
  if (positive.has('language') && scored.details.sharedLanguages.length) {
    practical.push(`speaks ${list(scored.details.sharedLanguages.map((l) => languageName(l, locale)))}`);
    mentioned.push('language');
  }
  if (positive.has('timezone') && scored.details.overlapHours) {
    practical.push(`working hours overlap yours by ${formatHours(scored.details.overlapHours)}`);
    mentioned.push('timezone');
  }
  if (positive.has('capacity') && scored.details.remaining > 0) {
    practical.push(`has ${plural(scored.details.remaining, 'free slot', 'free slots')} this month`);
    mentioned.push('capacity');
  }
  if (positive.has('experience') && mentor.yearsExperience > 0) {
    const gap = scored.details.menteeYears === null ? null : mentor.yearsExperience - scored.details.menteeYears;
    const relative =
      gap === null || gap === 0
        ? ''
        : ` (${plural(Math.abs(gap), 'year', 'years')} ${gap > 0 ? 'more' : 'fewer'} than you)`;
    practical.push(`${plural(mentor.yearsExperience, 'year', 'years')} of experience${relative}`);
    mentioned.push('experience');
  }

  // A mentor's record is a reason only where it speaks for them; its numbers are the observed ones, never the
  // shrunk values the score used, and a mentor without a record gets no sentence at all.
  const record: string[] = [];
  const outcomes = scored.details.outcomes;
  if (
    positive.has('helpfulness') &&
    outcomes?.meanHelpfulness != null &&
    outcomes.ratings > 0 &&
    outcomes.meanHelpfulness >= GOOD_RATING
  ) {
    record.push(
      `rated ${Number(outcomes.meanHelpfulness.toFixed(1))}/5 over ${plural(outcomes.ratings, 'session', 'sessions')}`,
    );
    mentioned.push('helpfulness');
  }
  if (
    positive.has('responsiveness') &&
    outcomes &&
    outcomes.decided > 0 &&
    outcomes.answeredInTime * 2 >= outcomes.decided
  ) {
    const typical =
      outcomes.medianHoursToAnswer === null ? '' : `, typically within ${formatDuration(outcomes.medianHoursToAnswer)}`;
    record.push(
      `answered ${outcomes.answeredInTime} of ${plural(outcomes.decided, 'request', 'requests')} in time${typical}`,
    );
    mentioned.push('responsiveness');
  }

  // A quote that ends its own sentence ends the reason too: no '."."'.
  const sentence = (parts: string[]) => {
    const text = capitalise(parts.join('; '));
    return /[.!?]["”]?$/.test(text) ? text : `${text}.`;
  };
  const reasons = [topic, practical, record].filter((parts) => parts.length).map(sentence);
  if (!reasons.length) reasons.push('No single signal stands out; ranked on the combined score.');
  return { factors, evidence, terms, skills, reasons, reasonFactors: mentioned };
}
