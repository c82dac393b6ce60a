import type { Role } from './roles.js';

/**
 * One account per role that `pnpm start` creates on an empty database in demo mode (config.demoMode); the
 * mentor account speaks for the first demo mentor.
 */
export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; roles: readonly Role[] }> = [
  { email: 'mentee@demo.local', name: 'Demo Mentee', roles: ['mentee'] },
  { email: 'mentor@demo.local', name: 'Demo Mentor', roles: ['mentor'] },
  { email: 'coordinator@demo.local', name: 'Demo Coordinator', roles: ['coordinator'] },
  { email: 'researcher@demo.local', name: 'Demo Researcher', roles: ['researcher'] },
  { email: 'admin@demo.local', name: 'Demo Admin', roles: ['admin'] },
];

export const DEMO_MENTOR_ACCOUNT = 'mentor@demo.local';
