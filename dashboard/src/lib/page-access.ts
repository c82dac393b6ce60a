import type { paths } from './api/schema.js';

export type Role = paths['/api/auth/me']['get']['responses'][200]['content']['application/json']['roles'][number];

/** A label for each role; a role the engine adds fails the type check here until it has one. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  mentee: 'Mentee',
  mentor: 'Mentor',
  coordinator: 'Coordinator',
  researcher: 'Researcher',
  admin: 'Admin',
};

/** Every role, in the engine's order (auth/roles.ts). */
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

export interface DashboardPage {
  href: string;
  label: string;
  /** A signed-in user sees the page when they hold one of these roles. */
  roles: readonly Role[];
  /** Who the page is for, as its refusal says it: "This page is for coordinators". */
  audience: string;
  /**
   * Open to visitors who have not signed in: the Ask page, whose questions the engine answers without a session
   * when ANONYMOUS_QUESTIONS is on (the page itself says so when it is off).
   */
  anonymous?: boolean;
  /** Reached from the header, not the navigation: every signed-in user's own pages (Account, Inbox). */
  unlisted?: boolean;
}

/**
 * The dashboard's pages in navigation order, and who each is for. It mirrors the engine's route policy
 * (engine/src/auth/route-policy.ts), which is what actually refuses: hiding a page only spares a person a page
 * whose every request would be refused.
 */
export const PAGES: readonly DashboardPage[] = [
  { href: '/', label: 'Ask', roles: ['mentee'], audience: 'mentees', anonymous: true },
  { href: '/directory', label: 'Directory', roles: ['mentee'], audience: 'mentees' },
  { href: '/profile', label: 'My profile', roles: ['mentor'], audience: 'mentors' },
  { href: '/requests', label: 'Sessions', roles: ['mentee', 'mentor'], audience: 'mentees and mentors' },
  { href: '/mentors', label: 'Mentors', roles: ['coordinator'], audience: 'coordinators' },
  { href: '/weights', label: 'Weights lab', roles: ['coordinator'], audience: 'coordinators' },
  { href: '/reports', label: 'Reports', roles: ['coordinator'], audience: 'coordinators' },
  { href: '/evaluation', label: 'Evaluation', roles: ['researcher'], audience: 'researchers' },
  { href: '/users', label: 'Users', roles: ['admin'], audience: 'admins' },
  { href: '/audit', label: 'Audit', roles: ['admin'], audience: 'admins' },
  { href: '/outbox', label: 'Outbox', roles: ['admin'], audience: 'admins' },
  {
    href: '/programme',
    label: 'Programme',
    roles: ['coordinator', 'admin', 'researcher'],
    audience: 'coordinators, admins and researchers',
  },
  { href: '/assignment', label: 'Assignment', roles: ['coordinator', 'admin'], audience: 'coordinators and admins' },
  { href: '/account', label: 'Account', roles: ROLES, audience: 'signed-in users', unlisted: true },
  { href: '/inbox', label: 'Inbox', roles: ROLES, audience: 'signed-in users', unlisted: true },
];

export const SIGN_IN_PATH = '/signin';

/** The pages a visitor sees in the navigation: by their roles once signed in, the open ones before. */
export function pagesFor(roles: readonly Role[] | null): DashboardPage[] {
  if (roles === null) return PAGES.filter((p) => p.anonymous);
  return PAGES.filter((p) => !p.unlisted && p.roles.some((r) => roles.includes(r)));
}

/** Where a user lands after signing in, and where the brand link takes them: their first page. */
export function homeFor(roles: readonly Role[] | null): string {
  return pagesFor(roles)[0]?.href ?? '/';
}

export type PageAccess =
  /** Show the page (also for paths that are no page of this table: the sign-in page, a 404). */
  | { kind: 'open' }
  /** Not signed in, and the page needs it. */
  | { kind: 'sign-in'; page: DashboardPage }
  /** Signed in without any of the page's roles. */
  | { kind: 'not-yours'; page: DashboardPage };

export function pageAt(pathname: string): DashboardPage | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return PAGES.find((p) => p.href === path);
}

/** Whether the visitor (null: not signed in) may see the page at this path. */
export function accessTo(pathname: string, roles: readonly Role[] | null): PageAccess {
  const page = pageAt(pathname);
  if (page === undefined) return { kind: 'open' };
  if (roles === null) return page.anonymous ? { kind: 'open' } : { kind: 'sign-in', page };
  return page.roles.some((r) => roles.includes(r)) ? { kind: 'open' } : { kind: 'not-yours', page };
}

/**
 * The path to return to after signing in, from the sign-in page's `next` parameter: only a path on this site,
 * so that a crafted link cannot send a person elsewhere once signed in.
 */
export function safeNext(next: string | null): string | null {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  return next;
}
