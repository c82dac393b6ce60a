/**
 * Soak (not a test): mixed load against two engines on one PostgreSQL server for --minutes (10 by default) —
 * anonymous questions to both, mentor imports, session requests made and withdrawn by signed-in mentees — with
 * the database stopped for 10 s at half time and one engine SIGKILLed 20 s after it returns (restarted 3 s
 * later). Reports requests answered by route and status, 5xx (target 0 on /api/match), acknowledged data missing
 * from the database at the end (target 0), p99 of answered questions before, during and after, and the resident
 * memory of the engine that is not killed. Writes bench/soak.{json,md}.
 * Run: npx tsx scripts/bench/soak.ts [--minutes 10] [--mentors 2000]
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPostgresServer } from '../../test/support/postgres-server.js';
import { generateQuestions } from '../demo-data/generate-mentors.js';
import { type EngineProcess, startEngine } from './engine-process.js';
import { round, summarise } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, mentors: { type: 'string', default: '2000' } },
});
const durationMs = Number(values.minutes) * 60_000;
const DB_STOP_MS = 10_000;
const KILL_AFTER_DB_MS = 20_000;
const QUESTION_LOOPS = 6;
const SESSION_LOOPS = 2;
// A mentee may ask 10 times an hour (sessions/session-settings.ts): enough of them to keep asking for 10 minutes.
const MENTEES = 200;
const log = (m: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);

type Phase = 'before' | 'database away' | 'engine killed' | 'after';
interface Sample {
  route: string;
  phase: Phase;
  status: number; // 0: no answer (connection refused or reset)
  ms: number;
}

const samples: Sample[] = [];
let phase: Phase = 'before';
const answeredQuestions = new Set<number>();
const importedIds = new Set<string>();
const withdrawnRequests = new Set<number>();
const openedRequests = new Set<number>();

const token = randomBytes(24).toString('hex');
const pgServer = await startPostgresServer();
const databaseUrl = await pgServer.createDatabase();
const dirs = [
  await fs.mkdtemp(path.join(os.tmpdir(), 'mm-soak-a-')),
  await fs.mkdtemp(path.join(os.tmpdir(), 'mm-soak-b-')),
];
// Engines sharing a database share the keys of its personal texts (docs/privacy.md).
const textKeyDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-soak-keys-'));
const common = {
  DATABASE_URL: databaseUrl,
  TEXT_KEY_DIR: textKeyDir,
  ANONYMOUS_QUESTIONS: 'true',
  API_TOKEN: token,
  EMBEDDING_WORKERS: '1',
};
const envOf = (i: number) => ({ ...common, DATA_DIR: dirs[i]!, SEED_DEMO_MENTORS: i === 0 ? values.mentors! : '0' });
const engines: EngineProcess[] = [];
let killed: number | null = null;
let finished = false;
const crashes: string[] = [];

/** Starts engine i and reports it if it exits when the soak did not kill it. */
async function launch(i: number): Promise<EngineProcess> {
  const engine = await startEngine(envOf(i));
  engine.child.once('exit', (code, signal) => {
    if (killed === i || finished) return;
    crashes.push(`engine ${i} exited (${code ?? signal}):\n${engine.log().slice(-3000)}`);
    log(crashes.at(-1)!);
  });
  return engine;
}

async function call(
  engine: number,
  route: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string },
): Promise<{ status: number; json: unknown }> {
  const started = performance.now();
  let status = 0;
  let json: unknown = null;
  try {
    const res = await fetch(`${engines[engine]!.url}${route}`, {
      method: init.method ?? 'POST',
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    json = await res.json().catch(() => null);
  } catch {
    status = 0;
  }
  samples.push({ route: route.replace(/\/\d+/g, '/:id'), phase, status, ms: performance.now() - started });
  return { status, json };
}

const admin = { authorization: `Bearer ${token}` };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The engine a loop sends to: both, alternately; the live one while the other is down. */
const pick = (n: number) => (killed === null ? n % 2 : 1 - killed);

try {
  log('starting engine A (seeds the demo mentors) and engine B on one PostgreSQL server');
  engines.push(await launch(0));
  engines.push(await launch(1));
  // Mentors of the soak's own for session requests: the demo mentors are seeded in the background.
  const mentorIds = Array.from({ length: 20 }, (_, i) => `soak-mentor-${i}`);
  const seeded = await call(0, '/api/mentors/import', {
    raw: mentorIds
      .map((id, i) =>
        JSON.stringify({
          id,
          name: `Soak mentor ${i}`,
          bio: `I have coached people through career changes for ${5 + i} years.`,
          skills: ['careers'],
          languages: ['en'],
          timezone: 'Europe/Berlin',
          yearsExperience: 5 + i,
        }),
      )
      .join('\n'),
    headers: { ...admin, 'content-type': 'application/x-ndjson' },
  });
  if (seeded.status !== 200) throw new Error(`the soak's mentors could not be imported: ${seeded.status}`);
  const mentees: string[] = [];
  for (let i = 0; i < MENTEES; i++) {
    const email = `soak-mentee-${i}@soak.local`;
    const password = 'soak mentee password 1';
    await call(0, '/api/users', {
      body: { email, name: `Soak mentee ${i}`, roles: ['mentee'], password },
      headers: admin,
    });
    const login = await fetch(`${engines[0]!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const cookie = /mm_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`mentee ${i} could not sign in: ${login.status}`);
    const conduct = (await (await fetch(`${engines[0]!.url}/api/conduct`, { headers: { cookie } })).json()) as {
      version: string;
    };
    await call(0, '/api/conduct/accept', { body: { version: conduct.version }, headers: { cookie } });
    mentees.push(cookie);
  }
  samples.length = 0;

  const questions = [...generateQuestions({ count: 500, seed: 5 })].map((q) => q.text);
  const rss = (pid: number) =>
    fs.readFile(`/proc/${pid}/status`, 'utf8').then(
      (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
      () => Number.NaN,
    );
  const rssA: number[] = [await rss(engines[0]!.child.pid!)];
  const started = Date.now();
  const end = started + durationMs;
  log(
    `load for ${values.minutes} min: ${QUESTION_LOOPS} question loops, 1 import loop, ${SESSION_LOOPS} session loops`,
  );

  const questionLoop = async (n: number) => {
    for (let i = n; Date.now() < end; i += QUESTION_LOOPS) {
      const r = await call(pick(i), '/api/match', { body: { text: questions[i % questions.length], k: 10 } });
      const id = (r.json as { requestId?: number | null } | null)?.requestId;
      if (r.status === 200 && typeof id === 'number') answeredQuestions.add(id);
      if (r.status !== 200) await pause(200);
    }
  };
  const importLoop = async () => {
    for (let batch = 0; Date.now() < end; batch++) {
      const rows = Array.from({ length: 5 }, (_, j) => ({
        id: `soak-${batch}-${j}`,
        name: `Soak mentor ${batch}-${j}`,
        bio: `I have led data teams for ${5 + j} years and coach people moving into analytics, batch ${batch}.`,
        skills: ['data'],
        languages: ['en'],
        timezone: 'Europe/Berlin',
        yearsExperience: 5 + j,
      }));
      const r = await call(pick(batch), '/api/mentors/import', {
        raw: rows.map((row) => JSON.stringify(row)).join('\n'),
        headers: { ...admin, 'content-type': 'application/x-ndjson' },
      });
      const result = r.json as { errors?: Array<{ row?: number }> } | null;
      if (r.status === 200 && result?.errors?.length === 0) for (const row of rows) importedIds.add(row.id);
      await pause(1000);
    }
  };
  const sessionLoop = async (n: number) => {
    for (let i = n; Date.now() < end; i += SESSION_LOOPS) {
      const cookie = mentees[i % mentees.length]!;
      const mentorId = mentorIds[i % mentorIds.length]!;
      const made = await call(pick(i), '/api/session-requests', { body: { mentorId }, headers: { cookie } });
      const id = (made.json as { id?: number } | null)?.id;
      if (made.status === 201 && typeof id === 'number') {
        openedRequests.add(id);
        const w = await call(pick(i + 1), `/api/session-requests/${id}/withdraw`, { headers: { cookie } });
        if (w.status === 200) withdrawnRequests.add(id);
      }
      await pause(made.status === 201 ? 100 : 500);
    }
  };
  const faults = async () => {
    await pause(Math.max(0, started + durationMs / 2 - Date.now()));
    log('stopping PostgreSQL for 10 s');
    phase = 'database away';
    const away = Date.now();
    await pgServer.pause();
    await pause(Math.max(0, DB_STOP_MS - (Date.now() - away)));
    await pgServer.resume();
    log('PostgreSQL is back');
    phase = 'after';
    await pause(KILL_AFTER_DB_MS);
    log('SIGKILL to engine B; restarting it in 3 s');
    phase = 'engine killed';
    killed = 1;
    await engines[1]!.stop('SIGKILL');
    await pause(3000);
    engines[1] = await launch(1);
    killed = null;
    phase = 'after';
    log('engine B is back');
  };
  const memory = async () => {
    while (Date.now() < end) {
      await pause(10_000);
      const mib = await rss(engines[0]!.child.pid!);
      if (!Number.isNaN(mib)) rssA.push(mib);
    }
  };
  await Promise.all([
    ...Array.from({ length: QUESTION_LOOPS }, (_, n) => questionLoop(n)),
    importLoop(),
    ...Array.from({ length: SESSION_LOOPS }, (_, n) => sessionLoop(n)),
    faults(),
    memory(),
  ]);
  // Questions answered from memory are written within a second or two of the database answering again.
  await pause(5000);

  log('checking what was acknowledged is in the database');
  // Plain SQL through the engine's own driver: the check must not depend on the engine's code (migrations).
  const pg = createRequire(path.join(root, 'engine/package.json'))('pg') as typeof import('pg');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const rows = async (sql: string, ids: unknown[]) => (ids.length === 0 ? [] : (await db.query(sql, [ids])).rows);
  const questionIds = [...answeredQuestions];
  const storedQuestions = (await rows('select id from mentee_requests where id = any($1)', questionIds)).length;
  const storedMentors = (await rows('select id from mentors where external_id = any($1)', [...importedIds])).length;
  const openedRows = (await rows('select id, state from session_requests where id = any($1)', [
    ...openedRequests,
  ])) as Array<{ id: number; state: string }>;
  await db.end();
  const openedStored = openedRows.length;
  const withdrawnStored = openedRows.filter(
    (r) => withdrawnRequests.has(Number(r.id)) && r.state === 'withdrawn',
  ).length;

  const byRoute = new Map<string, Map<number, number>>();
  for (const s of samples) {
    const statuses = byRoute.get(s.route) ?? new Map<number, number>();
    statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    byRoute.set(s.route, statuses);
  }
  const phases: Phase[] = ['before', 'database away', 'engine killed', 'after'];
  const matchP99 = phases.map((p) => ({
    phase: p,
    ...summarise(samples.filter((s) => s.route === '/api/match' && s.phase === p && s.status === 200).map((s) => s.ms)),
  }));
  const report = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0]!.toFixed(2)} at the end`,
    minutes: Number(values.minutes),
    mentors: Number(values.mentors),
    requests: samples.length,
    byRoute: Object.fromEntries([...byRoute].map(([route, st]) => [route, Object.fromEntries(st)])),
    serverErrors: samples.filter((s) => s.status >= 500).length,
    matchServerErrors: samples.filter((s) => s.route === '/api/match' && s.status >= 500).length,
    // 503 (database away, overloaded) and 507 are states a client can retry; anything else is a bug.
    unexpectedServerErrors: samples.filter((s) => s.status >= 500 && s.status !== 503 && s.status !== 507).length,
    matchP99,
    lost: {
      questions: { answered: questionIds.length, missing: questionIds.length - storedQuestions },
      mentors: { imported: importedIds.size, missing: importedIds.size - storedMentors },
      sessionRequests: { opened: openedRequests.size, missing: openedRequests.size - openedStored },
      withdrawals: { acknowledged: withdrawnRequests.size, notWithdrawn: withdrawnRequests.size - withdrawnStored },
    },
    crashes,
    rssMiB: { start: round(rssA[0]!), end: round(rssA.at(-1)!), max: round(Math.max(...rssA)) },
  };
  await fs.writeFile(path.join(root, 'bench/soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    '# Soak',
    '',
    `${report.date.slice(0, 10)}; ${report.machine}; ${report.minutes} min, ${report.mentors} demo mentors, two engines on one PostgreSQL server.`,
    '',
    '| route | answers by status (0: no connection) |',
    '| --- | --- |',
    ...Object.entries(report.byRoute).map(
      ([route, st]) =>
        `| ${route} | ${Object.entries(st)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')} |`,
    ),
    '',
    `Requests: ${report.requests}; 5xx: ${report.serverErrors} (on /api/match: ${report.matchServerErrors}; other than 503 and 507: ${report.unexpectedServerErrors}).`,
    '',
    '| phase | questions answered | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    ...matchP99.map((p) => `| ${p.phase} | ${p.count} | ${round(p.p50Ms)} | ${round(p.p99Ms)} |`),
    '',
    `Lost: ${JSON.stringify(report.lost)}`,
    '',
    `Engines that exited unasked: ${crashes.length}.`,
    '',
    `Engine A resident memory: ${report.rssMiB.start} MiB after setup, ${report.rssMiB.end} MiB at the end, ${report.rssMiB.max} MiB at most.`,
    '',
  ];
  await fs.writeFile(path.join(root, 'bench/soak.md'), md.join('\n'));
  console.log(md.join('\n'));
} finally {
  finished = true;
  for (const engine of engines) await engine.stop().catch(() => undefined);
  await pgServer.stop();
  for (const dir of [...dirs, textKeyDir]) await fs.rm(dir, { recursive: true, force: true });
}
