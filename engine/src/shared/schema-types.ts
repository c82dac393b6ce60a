import { type Static, type TSchema, Type } from 'typebox';

/**
 * `T | null` as `type: [T, 'null']`, and string literals as one `enum`, rather than as an anyOf: fast-json-stringify
 * serialises these with a typeof check, while for an anyOf it compiles Ajv validators during a route's first
 * response (90 ms for /api/match). @fastify/swagger writes them as `nullable` and `enum` in the OpenAPI 3.0 document.
 */
export function Nullable<T extends TSchema & { type: string }>(schema: T, options: { description?: string } = {}) {
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [schema.type, 'null'] });
}

export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { default?: T[number]; description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
