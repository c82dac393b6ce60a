import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';

/** A `pattern` for text that must say something: the error handler words its failure as "must not be blank". */
export const NOT_BLANK = '\\S';

/**
 * Query strings and params are text and need coercion ("10" → 10); JSON bodies must not be coerced,
 * so that a wrong type in a body is a 400 and not a silent conversion.
 */
export function makeValidatorCompiler(shared: TSchema[]): FastifySchemaCompiler<TSchema> {
  const strict = createAjv(false, shared);
  const coercing = createAjv('array', shared);
  return ({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : decimalOnly(schema, coercing.compile(schema));
}

/**
 * The Ajv the routes check with; `coerceTypes: false` is how JSON bodies are checked, and how an import's rows
 * are, once their text cells are read as the schema's types.
 */
export function createAjv(coerceTypes: Options['coerceTypes'], shared: TSchema[] = []): Ajv {
  // allErrors stays off: with it on, a body over a size limit is still checked item by item, and uniqueItems
  // compares every pair (200,000 configs took 33 s of the event loop); the first problem is reported.
  const ajv = new Ajv({ allErrors: false, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
  addFormats.default(ajv);
  storableDatesOnly(ajv);
  for (const schema of shared) ajv.addSchema(schema);
  return ajv;
}

/**
 * Narrows `date` and `date-time` to what a JavaScript Date and the database both hold. The formats alone take a
 * leap second (23:59:60, no Date: NaN reached the database), year 0 and, by an offset, year 10000; each was a 500.
 */
function storableDatesOnly(ajv: Ajv): void {
  for (const name of ['date', 'date-time'] as const) {
    const format = ajv.formats[name] as {
      validate: (text: string) => boolean;
      compare?: (a: string, b: string) => number;
    };
    ajv.addFormat(name, {
      type: 'string',
      validate: (text: string) => format.validate(text) && isStorableDate(new Date(text)),
      ...(format.compare ? { compare: format.compare } : {}),
    });
  }
}

function isStorableDate(d: Date): boolean {
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

/** The part of an Ajv error a message is made of (Fastify's validation errors have the same). */
export type SchemaError = Pick<ErrorObject, 'instancePath' | 'keyword' | 'params' | 'message'>;

/** One schema error as a sentence naming where it is ("body.weights.semantic must be >= 0"). */
export function describeSchemaError(error: SchemaError, context: string): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  const where = [context, path].filter(Boolean).join('.') || 'the value';
  const param = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties')
    return `${where} has unknown property "${String(param.additionalProperty)}"`;
  if (error.keyword === 'required') return `${where} must have property "${String(param.missingProperty)}"`;
  if (error.keyword === 'enum')
    return `${where} must be one of ${(param.allowedValues as unknown[]).map((a) => JSON.stringify(a)).join(', ')}`;
  if (error.keyword === 'anyOf') return `${where} matches none of the forms above`;
  if (error.keyword === 'pattern' && param.pattern === NOT_BLANK) return `${where} must not be blank`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

const DECIMAL: Record<'integer' | 'number', RegExp> = {
  integer: /^[+-]?\d+$/,
  number: /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/,
};

/**
 * Ajv coerces any text JavaScript reads as a number, so "0x10" was version 16 and "1e1" offset 10. Numbers in
 * a path or query string must be written in decimal; anything else fails as the wrong type.
 */
function decimalOnly(schema: TSchema, validate: ValidateFunction): ValidateFunction {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const numeric = Object.entries(properties).flatMap(([key, s]) =>
    s.type === 'integer' || s.type === 'number' ? [[key, s.type] as const] : [],
  );
  if (numeric.length === 0) return validate;
  const checked = ((data: unknown) => {
    const values = (data ?? {}) as Record<string, unknown>;
    const wrong: ErrorObject[] = numeric.flatMap(([key, type]) => {
      const value = values[key];
      if (typeof value !== 'string' || DECIMAL[type].test(value)) return [];
      return [
        {
          instancePath: `/${key}`,
          schemaPath: `#/properties/${key}/type`,
          keyword: 'type',
          params: { type },
          message: `must be ${type}`,
        },
      ];
    });
    if (wrong.length > 0) {
      checked.errors = wrong;
      return false;
    }
    const ok = validate(data);
    checked.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return checked;
}
