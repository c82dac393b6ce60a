import { describe, expect, it } from 'vitest';
import { accessTo, homeFor, PAGES, pagesFor, ROLES, safeNext } from './page-access.js';

const labels = (roles: Parameters<typeof pagesFor>[0]) => pagesFor(roles).map((p) => p.label);

describe('pagesFor', () => {
  it('gives each role only its pages, in navigation order', () => {
    expect(labels(['mentee'])).toEqual(['Ask', 'Directory', 'Sessions']);
    expect(labels(['mentor'])).toEqual(['My profile', 'Sessions']);
    expect(labels(['coordinator'])).toEqual(['Mentors', 'Weights lab', 'Reports', 'Programme', 'Assignment']);
    expect(labels(['researcher'])).toEqual(['Evaluation', 'Programme']);
    expect(labels(['admin'])).toEqual(['Users', 'Audit', 'Outbox', 'Programme', 'Assignment']);
  });

  it('gives a user with several roles the pages of each, once', () => {
    expect(labels(['researcher', 'coordinator'])).toEqual([
      'Mentors',
      'Weights lab',
      'Reports',
      'Evaluation',
      'Programme',
      'Assignment',
    ]);
    expect(labels(['mentee', 'mentor'])).toEqual(['Ask', 'Directory', 'My profile', 'Sessions']);
    expect(labels(ROLES)).toEqual(PAGES.filter((p) => !p.unlisted).map((p) => p.label));
  });

  it('gives a visitor who has not signed in the Ask page only', () => {
    expect(labels(null)).toEqual(['Ask']);
  });
});

describe('accessTo', () => {
  it('refuses a signed-in user a page of another role, naming who it is for', () => {
    const access = accessTo('/mentors', ['mentee']);
    expect(access.kind).toBe('not-yours');
    expect(access.kind !== 'open' && access.page.audience).toBe('coordinators');
    expect(accessTo('/', ['coordinator']).kind).toBe('not-yours');
  });

  it('asks a visitor to sign in for every page but Ask', () => {
    expect(accessTo('/', null).kind).toBe('open');
    for (const page of PAGES.filter((p) => p.href !== '/')) expect(accessTo(page.href, null).kind).toBe('sign-in');
  });

  it('opens the Account and Inbox pages, which no navigation lists, to every signed-in user and to nobody else', () => {
    for (const path of ['/account', '/inbox']) {
      for (const role of ROLES) expect(accessTo(path, [role]).kind).toBe('open');
      expect(accessTo(path, null).kind).toBe('sign-in');
    }
    expect(ROLES.flatMap((r) => labels([r]))).not.toContain('Account');
    expect(ROLES.flatMap((r) => labels([r]))).not.toContain('Inbox');
  });

  it('reads a trailing slash as the same page, and leaves paths outside the table (sign-in, a 404) open', () => {
    expect(accessTo('/users/', ['mentor']).kind).toBe('not-yours');
    expect(accessTo('/signin', null).kind).toBe('open');
    expect(accessTo('/no-such-page', ['mentee']).kind).toBe('open');
  });
});

describe('homeFor', () => {
  it("is the user's first page", () => {
    expect(homeFor(['admin'])).toBe('/users');
    expect(homeFor(['researcher', 'mentee'])).toBe('/');
    expect(homeFor(null)).toBe('/');
  });
});

describe('safeNext', () => {
  it('keeps a path on this site and drops anything that could leave it', () => {
    expect(safeNext('/evaluation?run=abc')).toBe('/evaluation?run=abc');
    expect(safeNext(null)).toBeNull();
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('//evil.example/')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('javascript:alert(1)')).toBeNull();
  });
});
