import type { Migration, MigrationProvider } from 'kysely/migration';
import * as initialSchema from './migrations/0001-initial-schema.js';
import * as requestTimeIndex from './migrations/0002-request-time-index.js';
import * as mentorVectorCentroid from './migrations/0003-mentor-vector-centroid.js';
import * as mentorChanges from './migrations/0004-mentor-changes.js';
import * as accounts from './migrations/0005-accounts.js';
import * as singleSignOn from './migrations/0006-single-sign-on.js';
import * as privacy from './migrations/0007-privacy.js';
import * as conduct from './migrations/0008-conduct.js';
import * as sessions from './migrations/0009-sessions.js';
import * as textKeyDirectory from './migrations/0016-text-key-directory.js';

/**
 * Every migration in `migrations/`, by name. Imported statically rather than read from the folder so
 * that it runs the same under tsx, vitest and any bundler; a test checks that no file is left out.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': initialSchema,
  '0002-request-time-index': requestTimeIndex,
  '0003-mentor-vector-centroid': mentorVectorCentroid,
  '0004-mentor-changes': mentorChanges,
  '0005-accounts': accounts,
  '0006-single-sign-on': singleSignOn,
  '0007-privacy': privacy,
  '0008-conduct': conduct,
  '0009-sessions': sessions,
  '0016-text-key-directory': textKeyDirectory,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};
