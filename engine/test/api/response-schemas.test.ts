import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { Explanation, Match, Mentor, Nullable, sharedSchemas, StringEnum } from '../../src/routes/schemas.js';

function anyOfPaths(node: unknown, at = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => anyOfPaths(child, `${at}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, child]) => (key === 'anyOf' ? [at] : anyOfPaths(child, `${at}.${key}`)));
}

describe('response schema helpers', () => {
  it('accept and refuse what the unions they stand for did', () => {
    const ajv = new Ajv({ strict: false });
    const nullable = ajv.compile(Nullable(Type.String({ maxLength: 3 })));
    expect([nullable('abc'), nullable(null), nullable('abcd'), nullable(3)]).toEqual([true, true, false, false]);
    const union = ajv.compile(Type.Union([Type.String({ maxLength: 3 }), Type.Null()]));
    expect([union('abc'), union(null), union('abcd'), union(3)]).toEqual([true, true, false, false]);

    const fields = ajv.compile(StringEnum(['bio', 'headline', 'skills']));
    expect([fields('bio'), fields('skills'), fields('name'), fields(null)]).toEqual([true, true, false, false]);
  });

  // fast-json-stringify compiles Ajv validators for every anyOf during a route's first response: with the
  // unions of a match it took the first /api/match after start 90 ms.
  it('leave no anyOf in what /api/match answers, nor in any shared schema', () => {
    expect([Mentor, Explanation, Match].flatMap((schema) => anyOfPaths(schema))).toEqual([]);
    expect(sharedSchemas.flatMap((schema, i) => anyOfPaths(schema, `sharedSchemas[${i}]`))).toEqual([]);
  });
});
