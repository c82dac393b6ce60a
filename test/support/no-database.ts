/**
 * What `@electric-sql/pglite` and `pg` resolve to in the unit lane (vitest.config.ts): importing a module that
 * could open a database is fine, opening one fails at once and says where the test belongs, so a database
 * test cannot slip into the fast lane unnoticed.
 */
function refuse(): never {
  throw new Error('A unit test opened a database: rename its file to *.int.test.ts (docs/testing.md).');
}

export class PGlite {
  static create(): never {
    return refuse();
  }
  constructor() {
    refuse();
  }
}

/** PGlite's type ids, read when a database is opened. */
export const types = { INT8: 20, BYTEA: 17 };

class Pool {
  constructor() {
    refuse();
  }
}

export default { Pool, types: { builtins: { INT8: 20 }, getTypeParser: refuse } };
