import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The engine serves dashboard/build, so the tests drive what was just built, not a stale copy. */
export default function setup(): void {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  execFileSync('pnpm', ['--dir', 'dashboard', 'run', 'build'], { cwd: root, stdio: 'inherit' });
}
