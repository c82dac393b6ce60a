/**
 * Brute force against one account (issue 20): 1,000 wrong passwords for one user over HTTP, 50 at a time, while
 * another user signs in one request after another. Prints how the guesses were answered and the other user's
 * sign-in times before and during the attack, once with every guess from one address and once spread over 250
 * addresses (only the account's limit then applies). Loopback answers on all of 127.0.0.0/8, so each client binds
 * its own source address.
 *
 *   pnpm tsx scripts/bench/login-rate-limit.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cliActor } from '../../engine/src/audit/audit-entry.js';
import { loadConfig } from '../../engine/src/config.js';
import { startServer } from '../../engine/src/server.js';
import { makeTempDir, removeDir } from '../../test/support/app-harness.js';
import { percentile } from './stats.js';

const GUESSES = 1000;
const CONCURRENCY = 50;
const PASSWORD = 'the bystander password';

/** A sign-in with this body, or (without one) GET /api/health, the cheapest request there is. */
function post(port: number, localAddress: string, agent: http.Agent, body?: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: body === undefined ? '/api/health' : '/api/auth/login',
        method: body === undefined ? 'GET' : 'POST',
        localAddress,
        agent,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function bystanderSignIns(port: number, until: () => boolean, atLeast: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true });
  const times: number[] = [];
  while (times.length < atLeast || !until()) {
    const start = performance.now();
    const status = await post(port, '127.0.0.3', agent, { email: 'bystander@bench.local', password: PASSWORD });
    if (status !== 200) throw new Error(`the bystander's sign-in answered ${status}`);
    times.push(performance.now() - start);
  }
  agent.destroy();
  return times;
}

/** GUESSES wrong passwords for the victim, CONCURRENCY at a time; with a null victim, as many health probes. */
async function attack(port: number, victim: string | null, addresses: readonly string[]) {
  const agents = new Map(addresses.map((a) => [a, new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })]));
  const statuses = new Map<number, number>();
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < GUESSES) {
        const i = next++;
        const address = addresses[i % addresses.length]!;
        const body = victim === null ? undefined : { email: victim, password: `guess ${i}` };
        const status = await post(port, address, agents.get(address)!, body);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  for (const agent of agents.values()) agent.destroy();
  return { seconds: (performance.now() - start) / 1000, statuses };
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (p: number) => percentile(sorted, p / 100).toFixed(1);
  return `n ${times.length}, p50 ${f(50)} ms, p95 ${f(95)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const dataDir = makeTempDir('mm-login-bench-');
  const app = await startServer({
    ...loadConfig({ LOG_LEVEL: 'silent', DASHBOARD_DIR: '', SEED_DEMO_MENTORS: '0' }),
    dataDir,
    databaseUrl: null,
    port: 0,
    host: '127.0.0.1',
  });
  try {
    const port = (app.server.address() as AddressInfo).port;
    const users = app.engine().users;
    for (const [i, email] of ['victim-one@bench.local', 'victim-many@bench.local', 'bystander@bench.local'].entries()) {
      await users.create({ email, name: `Bench ${i}`, roles: ['mentee'], password: PASSWORD }, cliActor());
    }
    const quiet = await bystanderSignIns(port, () => true, 30);
    console.log(`bystander sign-in, no attack:          ${summary(quiet)}`);
    for (const [label, victim, addresses] of [
      // The control: a flood of the cheapest requests, to tell the cost of any flood from the cost of guessing.
      ['one address (health probes, the control)', null, ['127.0.0.2']],
      ['one address', 'victim-one@bench.local', ['127.0.0.2']],
      ['250 addresses', 'victim-many@bench.local', Array.from({ length: 250 }, (_, i) => `127.0.1.${i + 1}`)],
    ] as const) {
      let done = false;
      const during = bystanderSignIns(port, () => done, 10);
      const result = await attack(port, victim, addresses);
      done = true;
      const answers = [...result.statuses].map(([status, n]) => `${n} x ${status}`).join(', ');
      const what = victim === null ? 'requests' : 'wrong passwords';
      console.log(
        `${GUESSES} ${what} from ${label}, ${CONCURRENCY} at a time: ${answers} in ${result.seconds.toFixed(2)} s`,
      );
      console.log(`bystander sign-in during that attack:  ${summary(await during)}`);
    }
  } finally {
    await app.close();
    removeDir(dataDir);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
