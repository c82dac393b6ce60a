import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AssignmentOutcome, FairnessOptions } from '../../engine/src/assignment/assignment-problem.js';
import { DEFAULT_CANDIDATES } from '../../engine/src/assignment/cohort-assignment-service.js';
import { parseCohort } from '../../engine/src/assignment/cohort-file.js';
import { MAX_MENTORS_PER_MENTEE } from '../../engine/src/assignment/solve-assignment.js';
import type { Engine } from '../../engine/src/services/engine.js';
import { printable, progressBar } from './progress.js';

export const assignUsage = `  assign --cohort <file.csv|file.jsonl> --out <file.csv> [--k N] [--mentors 1-3] [--floor X|max-min]
       [--max-share S] [--objective coverage|score] [--solver flow|highs] [--department-conflicts]
                                            assign a cohort of mentees to mentors optimally (columns
                                            id,question[,languages,timezone,...], docs/assignment.md);
                                            writes mentee_id,mentor_id,score rows; last line is a JSON
                                            summary; exit code 2 when some rows failed`;

type WithEngine = <T>(fn: (engine: Engine) => Promise<T>) => Promise<T>;

/** `pnpm mm assign`: the cohort's candidates from the matcher, the optimal assignment, a CSV of the pairs. */
export async function runAssignCommand(args: string[], withEngine: WithEngine, fromCaller: (f: string) => string) {
  const { values } = parseArgs({
    args,
    options: {
      cohort: { type: 'string' },
      out: { type: 'string' },
      k: { type: 'string' },
      mentors: { type: 'string' },
      floor: { type: 'string' },
      'max-share': { type: 'string' },
      objective: { type: 'string' },
      solver: { type: 'string' },
      'department-conflicts': { type: 'boolean' },
    },
  });
  const cohortFile = values.cohort === undefined ? undefined : fromCaller(values.cohort);
  if (!cohortFile || !existsSync(cohortFile))
    throw new Error(`assign needs --cohort with an existing file, got ${cohortFile ?? 'nothing'}`);
  if (values.out === undefined) throw new Error('assign needs --out <file.csv>');
  const out = fromCaller(values.out);
  if (!existsSync(path.dirname(out))) throw new Error(`assign --out: the folder ${path.dirname(out)} does not exist`);
  const k = wholeNumber('--k', values.k, 1, 200) ?? DEFAULT_CANDIDATES;
  const mentorsPerMentee = wholeNumber('--mentors', values.mentors, 1, MAX_MENTORS_PER_MENTEE) ?? 1;
  const fairness: FairnessOptions = {};
  if (values.floor !== undefined) {
    const floor = values.floor === 'max-min' ? 'max-min' : Number(values.floor);
    if (floor !== 'max-min' && !(Number.isFinite(floor) && floor >= 0 && floor <= 1))
      throw new Error(`--floor must be a score from 0 to 1 or max-min, got ${values.floor}`);
    fairness.floor = floor;
  }
  if (values['max-share'] !== undefined) {
    const share = Number(values['max-share']);
    if (!(share > 0 && share <= 1)) throw new Error(`--max-share must be in (0, 1], got ${values['max-share']}`);
    fairness.maxMentorShare = share;
  }
  const objective = oneOf('--objective', values.objective, ['coverage', 'score'] as const) ?? 'coverage';
  const solver = oneOf('--solver', values.solver, ['flow', 'highs'] as const) ?? 'flow';

  const format = path.extname(cohortFile).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
  const { entries, errors } = parseCohort(await readFile(cohortFile, 'utf8'), format);
  for (const e of errors) console.error(printable(`row ${e.row}: ${e.message}`));
  if (errors.length > 0) process.exitCode = 2;

  const outcome = await withEngine(async (engine) => {
    const service = engine.assignments;
    const bar = progressBar('Matching the cohort');
    const candidates = await service
      .candidates(entries, {
        k,
        departmentConflicts: values['department-conflicts'] === true,
        report: (p) => bar.update(p.done, p.total, p.stage),
      })
      .finally(() => bar.stop());
    return service.solve(candidates, { mentorsPerMentee, fairness, objective, solver });
  });

  // Written beside the target, then renamed: an interrupted run leaves no half file under the name.
  const partial = `${out}.partial`;
  try {
    await writeFile(partial, pairsCsv(outcome));
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  for (const line of infeasibilityLines(outcome)) console.error(printable(line));
  const t = outcome.totals;
  console.error(
    `unconstrained best ${t.unconstrainedTotalScore.toFixed(3)}; mentor load Gini ${t.mentorLoadGini.toFixed(3)} (greedy ${t.greedyMentorLoadGini.toFixed(3)}); greedy left ${t.greedyUnassigned} unassigned`,
  );
  console.log(
    JSON.stringify({
      assigned: t.assigned,
      unassigned: t.unassigned,
      total_score: round(t.totalScore),
      greedy_total_score: round(t.greedyTotalScore),
      solve_ms: Math.round(outcome.timings.buildMs + outcome.timings.solveMs),
    }),
  );
}

function pairsCsv(outcome: AssignmentOutcome): string {
  const rows = ['mentee_id,mentor_id,score'];
  for (const m of outcome.mentees)
    for (const a of m.mentors) rows.push(`${csvCell(m.menteeId)},${csvCell(a.mentorId)},${round(a.score)}`);
  return `${rows.join('\n')}\n`;
}

/** Why the run is infeasible, and each mentee left without a mentor with the reason. */
function infeasibilityLines(outcome: AssignmentOutcome): string[] {
  return [
    ...outcome.infeasibility.map((r) => `infeasible: ${r}`),
    ...outcome.mentees.filter((m) => m.mentors.length === 0).map((m) => `unassigned ${m.menteeId}: ${m.reason}`),
  ];
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be ${allowed.join(' or ')}`);
  return raw as T;
}
