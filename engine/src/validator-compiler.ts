import { Ajv, type Options } from 'ajv';
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
  const make = (coerceTypes: Options['coerceTypes']) => {
    const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
    addFormats.default(ajv);
    for (const schema of shared) ajv.addSchema(schema);
    return ajv;
  };
  const strict = make(false);
  const coercing = make('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}
