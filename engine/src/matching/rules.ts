import type { MatchMentor, MatchRequestFilters } from './types.js';
import type { MatchRules } from './weights.js';

/** Why a candidate was filtered out; hard rules are never traded off against scores. */
export type HardRule = 'excluded' | 'inactive' | 'language' | 'capacity' | 'timezone';

export interface HardRuleContext {
  rules: MatchRules;
  requiredLanguages: ReadonlySet<string>;
  excludedExternalIds: ReadonlySet<string>;
  requireTimezoneOverlap: boolean;
}

/** Facts about a candidate that the rules and the signals share. */
export interface CandidateFacts {
  remaining: number;
  /** Overlap of the mentee's window with the mentor's hours; null without a mentee window or mentor offset. */
  overlapHours: number | null;
  /** Whether the mentee gave an availability window. */
  hasWindow: boolean;
}

export function hardRuleContext(rules: MatchRules, request: MatchRequestFilters = {}): HardRuleContext {
  return {
    rules,
    requiredLanguages: new Set(
      [...rules.requiredLanguages, ...(request.requiredLanguages ?? [])].map((l) => l.toLowerCase()),
    ),
    excludedExternalIds: new Set(request.excludeExternalIds ?? []),
    requireTimezoneOverlap: rules.requireTimezoneOverlap || request.availability?.required === true,
  };
}

/** The first hard rule the mentor breaks, or null when eligible. */
export function hardRuleViolation(mentor: MatchMentor, facts: CandidateFacts, ctx: HardRuleContext): HardRule | null {
  if (ctx.excludedExternalIds.has(mentor.externalId)) return 'excluded';
  if (ctx.rules.activeOnly && !mentor.active) return 'inactive';
  if (ctx.requiredLanguages.size) {
    const speaks = new Set(mentor.languages.map((l) => l.toLowerCase()));
    for (const language of ctx.requiredLanguages) if (!speaks.has(language)) return 'language';
  }
  if (ctx.rules.requireCapacity && facts.remaining <= 0) return 'capacity';
  // Without a mentee window there is nothing to overlap with; an unknown mentor zone cannot be shown to overlap.
  if (ctx.requireTimezoneOverlap && facts.hasWindow) {
    const minimum = Math.max(ctx.rules.minOverlapHours, Number.EPSILON);
    if (facts.overlapHours === null || facts.overlapHours < minimum) return 'timezone';
  }
  return null;
}
