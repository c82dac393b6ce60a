/**
 * Helps a person label demo questions: lists generated mentors whose text mentions given keywords, so the
 * labeller can read the bios and pick the ones a mentee would expect.
 *   npx tsx scripts/demo-data/find-candidates.ts --keywords "kubernetes,k8s" [--domain devops-sre] [--full]
 *   npx tsx scripts/demo-data/find-candidates.ts --query q07      (keywords from queries.jsonl; marks judged mentors)
 *   npx tsx scripts/demo-data/find-candidates.ts --stats          (mentors per domain and specialty)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mentorWholeText } from '../../engine/src/domain/mentor.js';
import { DEMO_DEFAULTS, generateDemoMentor, type DemoMentor } from './generate-mentors.js';

const FIXTURE_DIR = new URL('../../test/fixtures/demo-eval/', import.meta.url);

export interface Candidate {
  demo: DemoMentor;
  /** Keywords found in the mentor's headline, bio or skills. */
  hits: string[];
}

/**
 * Whether a keyword starts a word in the text (case-insensitive): "negotiat" finds "negotiated",
 * but "ehr" does not find "Tehran".
 */
export function mentionsKeyword(text: string, keyword: string): boolean {
  const escaped = keyword
    .trim()
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}`, 'u').test(text.toLowerCase());
}

/** Mentors mentioning at least one keyword, most keywords first. */
export function findCandidates(mentors: Iterable<DemoMentor>, keywords: string[], domain?: string): Candidate[] {
  const wanted = keywords.map((k) => k.trim().toLowerCase()).filter(Boolean);
  const found: Candidate[] = [];
  for (const demo of mentors) {
    if (domain && demo.domainId !== domain) continue;
    const text = mentorWholeText(demo.mentor);
    const hits = wanted.filter((k) => mentionsKeyword(text, k));
    if (hits.length) found.push({ demo, hits });
  }
  return found.sort(
    (a, b) => b.hits.length - a.hits.length || a.demo.mentor.externalId.localeCompare(b.demo.mentor.externalId),
  );
}

function* demoMentors(count: number, seed: number): Generator<DemoMentor> {
  for (let i = 0; i < count; i++) yield generateDemoMentor(seed, i);
}

function readQuery(id: string): { text: string; keywords: string[]; judged: Map<string, number> } {
  const query = readFileSync(new URL('queries.jsonl', FIXTURE_DIR), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { query_id: string; text: string; keywords?: string[] })
    .find((q) => q.query_id === id);
  if (!query) throw new Error(`no query ${id} in queries.jsonl`);
  const judged = new Map<string, number>();
  for (const line of readFileSync(new URL('judgments.csv', FIXTURE_DIR), 'utf8').split('\n').slice(1)) {
    const [qid, mentorId, relevance] = line.split(',');
    if (qid === id && mentorId) judged.set(mentorId, Number(relevance));
  }
  return { text: query.text, keywords: query.keywords ?? [], judged };
}

function main() {
  const { values } = parseArgs({
    options: {
      keywords: { type: 'string' },
      query: { type: 'string' },
      domain: { type: 'string' },
      full: { type: 'boolean', default: false },
      stats: { type: 'boolean', default: false },
      count: { type: 'string', default: String(DEMO_DEFAULTS.count) },
      seed: { type: 'string', default: String(DEMO_DEFAULTS.seed) },
    },
  });
  const mentors = [...demoMentors(Number(values.count), Number(values.seed))];

  if (values.stats) {
    const counts = new Map<string, number>();
    for (const m of mentors) {
      const key = `${m.domainId} / ${m.specialty ?? '(generalist)'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...counts].sort()) console.log(`${String(n).padStart(4)}  ${key}`);
    return;
  }

  let keywords = values.keywords?.split(',') ?? [];
  let judged = new Map<string, number>();
  if (values.query) {
    const q = readQuery(values.query);
    console.log(`${values.query}: ${q.text}\nkeywords: ${q.keywords.join(', ')}\n`);
    keywords = keywords.length ? keywords : q.keywords;
    judged = q.judged;
  }
  if (!keywords.length) {
    console.error('give --keywords a,b,c or --query <query_id>');
    process.exit(2);
  }
  const found = findCandidates(mentors, keywords, values.domain);
  for (const { demo, hits } of found) {
    const m = demo.mentor;
    const mark = judged.has(m.externalId) ? `[judged ${judged.get(m.externalId)}]` : '';
    console.log(`${m.externalId} ${mark} ${demo.domainId} / ${demo.specialty ?? '-'} | hits: ${hits.join(', ')}`);
    console.log(`  ${m.headline} | skills: ${m.skills.join(', ')}${m.active ? '' : ' | INACTIVE'}`);
    console.log(`  ${values.full ? m.bio : `${m.bio.slice(0, 220)}...`}\n`);
  }
  const missing = [...judged.keys()].filter((id) => !found.some((c) => c.demo.mentor.externalId === id));
  console.log(
    `${found.length} candidates${missing.length ? `; judged but not matched by keywords: ${missing.join(' ')}` : ''}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
