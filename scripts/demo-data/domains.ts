import type { Domain } from './domain-types.js';
import { BUSINESS_DOMAINS } from './domains-business.js';
import { PEOPLE_DOMAINS } from './domains-people.js';
import { SECTOR_DOMAINS } from './domains-sectors.js';
import { TECH_DOMAINS } from './domains-tech.js';

export type { Domain, Specialty } from './domain-types.js';

export const DOMAINS: readonly Domain[] = [...TECH_DOMAINS, ...BUSINESS_DOMAINS, ...PEOPLE_DOMAINS, ...SECTOR_DOMAINS];
