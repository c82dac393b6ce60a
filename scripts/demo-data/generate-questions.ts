import { DOMAINS } from './domains.js';
import { chance, intBetween, pick, rngFor, weightedIndex } from './prng.js';
import { capitalize, render, withArticle } from './template.js';

/**
 * Held-out mentee questions for benchmarks: built from the domains' offer phrases and framed the way
 * mentees write, so they exercise the same vocabulary as the bios without copying any bio sentence.
 * The labelled questions in test/fixtures/demo-eval are hand-written and never produced here.
 */
const OPENERS = [
  'I could use some advice on {topic}.',
  'Looking for a mentor who knows about {topic}.',
  'How do I get better at {topic}?',
  'Hi! I am {a_role} at {org} and I am struggling with {topic}.',
  'Can anyone help me think through {topic}?',
  'I need help with {topic}, and I do not know where to start.',
  'Has anyone here been through {topic}?',
];

const CONTEXTS = [
  'I have been {a_role} for {#2-15} years and feel a bit stuck.',
  'Our team is small and nobody has done this before.',
  'I have an important deadline in {#2-8} weeks.',
  'I have read a lot online but would like to talk to a real person who has done it.',
  'English is my second language, so a patient mentor would be great.',
  'My manager is supportive but has no experience with this.',
  'I work part time and can only meet in the evenings.',
  'I tried once already and it did not go well.',
  'I am based in {place} and would prefer someone in a similar time zone.',
];

const ASKS = [
  'What should I focus on first?',
  'Would love a 30-minute call.',
  'Any pointers appreciated.',
  'What would you do in my place?',
  '',
];

const PLACES = [
  'Lagos',
  'Berlin',
  'Toronto',
  'Bengaluru',
  'São Paulo',
  'Sydney',
  'Chicago',
  'Warsaw',
  'Manila',
  'Madrid',
];
const DOMAIN_CUMULATIVE = (() => {
  let sum = 0;
  return DOMAINS.map((d) => (sum += d.weight));
})();

/** Question stream separate from the mentors' (stream 1), so both can be regenerated independently. */
export function* generateQuestions(opts: { count: number; seed: number }): Generator<{ id: string; text: string }> {
  for (let i = 0; i < opts.count; i++) {
    const rng = rngFor(opts.seed, i, 1);
    const domain = DOMAINS[weightedIndex(rng, DOMAIN_CUMULATIVE)]!;
    const asker = pick(rng, DOMAINS);
    const pool = chance(rng, 0.7) ? pick(rng, domain.specialties).offers : domain.offers;
    const ctx = {
      my: 'my',
      me: 'me',
      i: 'I',
      I: 'I',
      s: '',
      es: '',
      am: 'am',
      have: 'have',
      a_role: withArticle(pick(rng, asker.roles)),
      place: pick(rng, PLACES),
    };
    const org = render(pick(rng, asker.orgs), rng, ctx);
    const topic = render(pick(rng, pool), rng, ctx);
    const sentences = [
      render(pick(rng, OPENERS), rng, { ...ctx, org, topic }),
      render(pick(rng, CONTEXTS), rng, ctx),
      intBetween(rng, 0, 1) ? render(pick(rng, ASKS), rng, ctx) : '',
    ];
    yield { id: `q-${String(i + 1).padStart(6, '0')}`, text: sentences.filter(Boolean).map(capitalize).join(' ') };
  }
}
