import type { MentorInput } from '../../engine/src/domain/mentor.js';
import { DOMAINS, type Domain, type Specialty } from './domains.js';
import { chance, intBetween, pick, rngFor, sample, weightedIndex, type Rng } from './prng.js';
import { REGIONS, type Region } from './regions.js';
import {
  ACHIEVEMENT_FRAMES,
  CLOSERS,
  HEADLINES,
  HOBBIES,
  INTROS,
  OFFER_FRAMES,
  STORY_FRAMES,
  TRAITS,
  TRANSFERABLE_SKILLS,
} from './shared-fragments.js';
import { capitalize, countWords, render, withArticle, type TemplateContext } from './template.js';

/** The demo data the product seeds and the labelled questions in test/fixtures/demo-eval refer to. */
export const DEMO_DEFAULTS = { count: 2000, seed: 42 } as const;

export const BIO_WORDS = { min: 40, max: 200 } as const;

/** Share of mentors who tell a specialty story; the rest are generalists in their domain. */
const SPECIALTY_SHARE = 0.55;

export interface DemoMentor {
  mentor: MentorInput;
  domainId: string;
  /** The specialty's first focus phrase, or null for a generalist. */
  specialty: string | null;
}

const cumulative = (weights: number[]) => {
  let sum = 0;
  return weights.map((w) => (sum += w));
};
const DOMAIN_CUMULATIVE = cumulative(DOMAINS.map((d) => d.weight));
const REGION_CUMULATIVE = cumulative(REGIONS.map((r) => r.weight));
const WIDELY_SPOKEN = ['es', 'fr', 'de', 'pt', 'ar', 'zh', 'hi', 'ru', 'it'];
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const HEADLINES_WITHOUT_FIELD = HEADLINES.filter((h) => !h.includes('{field}'));
const SMALL_WORDS = new Set(['of', 'and', 'at', 'in', 'the', 'a', 'an', 'to', 'for', 'on']);

export function demoExternalId(index: number): string {
  return `demo-${String(index + 1).padStart(6, '0')}`;
}

const titleCache = new Map<string, string>();
function titleCase(phrase: string): string {
  let title = titleCache.get(phrase);
  if (title === undefined) {
    title = toTitleCase(phrase);
    titleCache.set(phrase, title);
  }
  return title;
}

function toTitleCase(phrase: string): string {
  return phrase
    .split(' ')
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : capitalize(w)))
    .join(' ');
}

function voice(rng: Rng, firstName: string, female: boolean): Record<string, string> {
  if (chance(rng, 0.6)) {
    return { N: 'I', I: 'I', i: 'I', my: 'my', My: 'My', me: 'me', am: 'am', have: 'have', s: '', es: '' };
  }
  return female
    ? { N: firstName, I: 'She', i: 'she', my: 'her', My: 'Her', me: 'her', am: 'is', have: 'has', s: 's', es: 'es' }
    : { N: firstName, I: 'He', i: 'he', my: 'his', My: 'His', me: 'him', am: 'is', have: 'has', s: 's', es: 'es' };
}

function yearsOfExperience(rng: Rng, domain: Domain): number {
  const [min, max] = domain.years ?? [1, 40];
  // Averaging two draws favours mid-career mentors, as real mentor pools do.
  return Math.round(min + ((rng.next() + rng.next()) / 2) * (max - min));
}

function languagesFor(rng: Rng, region: Region, placeLanguage: string | undefined): string[] {
  const langs: string[] = [];
  if (chance(rng, region.english)) langs.push('en');
  if (placeLanguage && (langs.length === 0 || chance(rng, 0.95))) langs.push(placeLanguage);
  if (region.languages.length && (langs.length === 0 || chance(rng, 0.15))) langs.push(pick(rng, region.languages));
  if (chance(rng, 0.08)) langs.push(pick(rng, WIDELY_SPOKEN));
  return [...new Set(langs)];
}

const languageNameCache = new Map<string, string>();
function languageName(code: string): string {
  let name = languageNameCache.get(code);
  if (name === undefined) {
    name = languageNames.of(code) ?? code;
    languageNameCache.set(code, name);
  }
  return name;
}

function listLanguages(codes: string[]): string {
  const names = codes.map(languageName);
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function skillsFor(rng: Rng, domain: Domain, specialty: Specialty | null): string[] {
  const picked = [
    ...(specialty ? sample(rng, specialty.skills, intBetween(rng, 1, 3)) : []),
    ...sample(rng, domain.skills, intBetween(rng, 3, 5)),
    ...(chance(rng, 0.2) ? [pick(rng, TRANSFERABLE_SKILLS)] : []),
  ];
  const seen = new Set<string>();
  return picked.filter((s) => {
    const key = s.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function say(rng: Rng, ctx: TemplateContext, template: string, extra?: TemplateContext): string {
  return capitalize(render(template, rng, ctx, extra));
}

/** Builds one bio from optional sentences, then trims or pads it into the allowed word range. */
function composeBio(
  rng: Rng,
  ctx: TemplateContext,
  domain: Domain,
  specialty: Specialty | null,
  languages: string[],
  city: string | null,
): string {
  const core: string[] = [say(rng, ctx, pick(rng, INTROS))];
  // Rendered only when used: most bios need two of the domain's achievements, not all of them.
  const achievements = sample(rng, domain.achievements, domain.achievements.length);
  const story = specialty ? render(pick(rng, specialty.stories), rng, ctx) : null;
  const achievementCount = intBetween(rng, 1, 2);

  if (chance(rng, 0.2)) {
    const items = [
      ...(story ? [story] : []),
      ...achievements.splice(0, achievementCount).map((t) => render(t, rng, ctx)),
    ];
    core.push(
      `Highlights: ${items.slice(0, -1).join('; ')}${items.length > 1 ? '; and ' : ''}${items[items.length - 1]}.`,
    );
  } else {
    if (story) core.push(say(rng, ctx, pick(rng, STORY_FRAMES), { story }));
    const frames = sample(rng, ACHIEVEMENT_FRAMES, achievementCount);
    achievements.splice(0, achievementCount).forEach((a, k) => {
      core.push(say(rng, ctx, frames[k]!, { story: render(a, rng, ctx) }));
    });
  }

  const offers = [...(specialty ? sample(rng, specialty.offers, 1) : []), ...sample(rng, domain.offers, 3)].map((t) =>
    render(t, rng, ctx),
  );
  const offerSentence = say(rng, ctx, pick(rng, OFFER_FRAMES), { o1: offers[0]!, o2: offers[1]!, o3: offers[2]! });

  const optional: string[] = [];
  if (chance(rng, 0.25))
    optional.push(
      say(rng, ctx, '{I} {story}, which shapes how {i} mentor{s}.', { story: render(pick(rng, TRAITS), rng, ctx) }),
    );
  if (languages.length > 1 || (languages.length === 1 && languages[0] !== 'en' && chance(rng, 0.5))) {
    if (chance(rng, 0.6)) optional.push(say(rng, ctx, '{I} speak{s} {langs}.', { langs: listLanguages(languages) }));
  }
  if (city && chance(rng, 0.25)) optional.push(say(rng, ctx, '{I} {am} based in {city}.', { city }));
  if (chance(rng, 0.25))
    optional.push(say(rng, ctx, 'Outside work, {i} {hobby}.', { hobby: render(pick(rng, HOBBIES), rng, ctx) }));
  if (chance(rng, 0.4)) optional.push(say(rng, ctx, pick(rng, CLOSERS)));

  const parts = [...core, offerSentence, ...optional];
  let words = parts.reduce((sum, p) => sum + countWords(p), 0);
  while (words < BIO_WORDS.min && achievements.length) {
    const extra = say(rng, ctx, '{I} {story}.', { story: render(achievements.shift()!, rng, ctx) });
    parts.splice(1, 0, extra);
    words += countWords(extra);
  }
  while (words > BIO_WORDS.max && parts.length > 2) words -= countWords(parts.pop()!);
  return parts.join(' ');
}

/** Mentor `index` under `seed`; independent of how many others are generated. */
export function generateDemoMentor(seed: number, index: number): DemoMentor {
  const rng = rngFor(seed, index);
  const domain = DOMAINS[weightedIndex(rng, DOMAIN_CUMULATIVE)]!;
  const specialty = chance(rng, SPECIALTY_SHARE) ? pick(rng, domain.specialties) : null;
  const region = REGIONS[weightedIndex(rng, REGION_CUMULATIVE)]!;
  const female = specialty?.gender ? specialty.gender === 'female' : chance(rng, 0.5);
  const firstName = pick(rng, female ? region.female : region.male);
  const name = `${firstName} ${pick(rng, region.surnames)}`;
  const [city, country, timezone, placeLanguage] = pick(rng, region.places);
  const location = chance(rng, 0.96) ? `${city}, ${country}` : null;
  const yearsExperience = yearsOfExperience(rng, domain);
  const languages = languagesFor(rng, region, placeLanguage);
  const role = pick(rng, domain.roles);
  const pronouns = voice(rng, firstName, female);
  const ctx: Record<string, string> = {
    ...pronouns,
    role,
    a_role: withArticle(role),
    years: yearsExperience === 1 ? 'one year' : `${yearsExperience} years`,
  };
  const fieldTemplate = pick(rng, domain.fields);
  ctx.field = render(fieldTemplate, rng, ctx);
  ctx.org = render(pick(rng, domain.orgs), rng, ctx);

  const bio = composeBio(rng, ctx, domain, specialty, languages, location ? city : null);
  // "my profession" reads as a bio phrase, not a headline.
  const headlines = fieldTemplate.includes('{') ? HEADLINES_WITHOUT_FIELD : HEADLINES;
  const headline = render(pick(rng, headlines), rng, ctx, {
    Role: titleCase(role),
    focus: specialty ? pick(rng, specialty.focus) : domain.label,
    yrs: String(yearsExperience),
    offer: render(pick(rng, specialty ? specialty.offers : domain.offers), rng, ctx),
  });

  return {
    mentor: {
      externalId: demoExternalId(index),
      name,
      headline,
      bio,
      skills: skillsFor(rng, domain, specialty),
      languages,
      timezone,
      location,
      yearsExperience,
      capacityPerMonth: chance(rng, 0.08) ? 0 : intBetween(rng, 1, chance(rng, 0.7) ? 4 : 8),
      active: chance(rng, 0.95),
    },
    domainId: domain.id,
    specialty: specialty ? specialty.focus[0]! : null,
  };
}

/** Streams mentors one at a time so 1M of them need no more memory than one. */
export function* generateMentors(opts: { count: number; seed: number }): Generator<MentorInput> {
  for (let i = 0; i < opts.count; i++) yield generateDemoMentor(opts.seed, i).mentor;
}

export { generateQuestions } from './generate-questions.js';
