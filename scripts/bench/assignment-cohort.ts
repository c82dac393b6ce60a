/**
 * `tsx scripts/bench/assignment-cohort.ts --count 300 --out cohort.csv`: a cohort file of generated mentee
 * questions (the benchmark question stream, never the labelled demo questions), half with a time zone, for
 * `pnpm mm assign` and the measurements in docs/assignment.md.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateQuestions } from '../demo-data/generate-questions.js';

const TIME_ZONES = ['Europe/Berlin', 'America/Toronto', 'Asia/Kolkata', 'Africa/Lagos', 'America/Sao_Paulo'];

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    seed: { type: 'string', default: '22' },
    out: { type: 'string' },
  },
});
if (!values.out) throw new Error('--out <file.csv> is needed');
const rows = ['id,question,languages,timezone'];
let i = 0;
for (const q of generateQuestions({ count: Number(values.count), seed: Number(values.seed) })) {
  const timezone = i % 2 === 0 ? TIME_ZONES[(i / 2) % TIME_ZONES.length] : '';
  rows.push(`mentee-${String(++i).padStart(4, '0')},"${q.text.replaceAll('"', '""')}",,${timezone}`);
}
await writeFile(values.out, `${rows.join('\n')}\n`);
console.log(`wrote ${i} mentees to ${values.out}`);
