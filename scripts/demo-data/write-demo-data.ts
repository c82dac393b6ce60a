/**
 * Writes seeded demo mentors (or held-out benchmark questions) to a file:
 *   npx tsx scripts/demo-data/write-demo-data.ts --count 100000 --seed 42 --out mentors.jsonl [--format jsonl|csv]
 *   npx tsx scripts/demo-data/write-demo-data.ts --questions --count 1000 --seed 7 --out questions.jsonl
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import { MENTOR_FIELD_NAMES } from '../../engine/src/domain/mentor-schema.js';
import { DEMO_DEFAULTS, generateMentors, generateQuestions } from './generate-mentors.js';

const CSV_COLUMNS = ['externalId', ...MENTOR_FIELD_NAMES] as const;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Lists are joined with ";", one of the separators the importer splits CSV list cells on (LIST_SEPARATORS). */
export function mentorCsvRow(m: MentorInput): string {
  return CSV_COLUMNS.map((key) => {
    const v = m[key];
    if (Array.isArray(v)) return csvCell(v.join(';'));
    return csvCell(v === null ? '' : String(v));
  }).join(',');
}

export function mentorCsvHeader(): string {
  return CSV_COLUMNS.join(',');
}

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: String(DEMO_DEFAULTS.count) },
      seed: { type: 'string', default: String(DEMO_DEFAULTS.seed) },
      out: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      questions: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  const format = values.format;
  if (
    !Number.isInteger(count) ||
    count < 0 ||
    !Number.isInteger(seed) ||
    !values.out ||
    (format !== 'jsonl' && format !== 'csv')
  ) {
    console.error('usage: write-demo-data.ts --count N --seed S --out FILE [--format jsonl|csv] [--questions]');
    process.exit(2);
  }
  if (values.questions && format === 'csv') {
    console.error('questions are written as JSON Lines only');
    process.exit(2);
  }

  const out = createWriteStream(values.out, { highWaterMark: 1 << 20 });
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} | {eta_formatted} left', etaBuffer: 1000 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(count, 0);
  // Batches keep the stream writes large and let the progress bar redraw without slowing generation down.
  let batch: string[] = [];
  const flush = async (done: number) => {
    if (!batch.length) return;
    if (!out.write(batch.join(''))) await once(out, 'drain');
    batch = [];
    bar.update(done);
  };
  if (format === 'csv') batch.push(`${mentorCsvHeader()}\n`);
  let written = 0;
  const rows: Iterable<unknown> = values.questions
    ? generateQuestions({ count, seed })
    : generateMentors({ count, seed });
  for (const row of rows) {
    batch.push(format === 'csv' ? `${mentorCsvRow(row as MentorInput)}\n` : `${JSON.stringify(row)}\n`);
    if (++written % 2000 === 0) await flush(written);
  }
  await flush(written);
  bar.stop();
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `wrote ${written} ${values.questions ? 'questions' : 'mentors'} to ${values.out} in ${seconds.toFixed(1)} s`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
