import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Request, RequestHandler } from 'express';
import { AppError, type FieldProblem } from '../errors.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    coerceTypes,
    strict: true,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  return ajv;
}

/** Bodies are JSON and keep their types; queries and path parameters arrive as strings. */
const bodyAjv = createAjv(false);
const stringAjv = createAjv('array');

/** Turns ajv errors into `field: message` pairs rooted at `where` (`body`, `query`, `params`). */
export function fieldProblems(where: string, errors: ErrorObject[]): FieldProblem[] {
  return errors.map((e) => {
    const path = [where, ...e.instancePath.split('/').slice(1)].join('.');
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: `${path}.${extra}`, message: 'is not allowed' };
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: `${path}.${missing}`, message: 'is required' };
    }
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { field: path, message: `must be one of ${allowed.join(', ')}` };
    }
    return { field: path, message: e.message ?? 'is invalid' };
  });
}

/**
 * A query-string check outside Express (the lean routes): the same compilation and coercion as
 * {@link validate}; returns the validated copy or throws VALIDATION_FAILED.
 */
export function queryCheck<S extends TSchema>(schema: S): (query: object) => Static<S> {
  const check = stringAjv.compile(schema);
  return (query) => {
    const value = { ...query };
    if (!check(value))
      throw new AppError('VALIDATION_FAILED', undefined, fieldProblems('query', check.errors ?? []));
    return value as Static<S>;
  };
}

interface Schemas {
  body?: TSchema;
  query?: TSchema;
  params?: TSchema;
}

/** The request as seen by a handler after {@link validate} with these schemas. */
export type Validated<S extends Schemas> = Request & {
  body: S['body'] extends TSchema ? Static<S['body']> : unknown;
  query: S['query'] extends TSchema ? Static<S['query']> : Request['query'];
  params: S['params'] extends TSchema ? Static<S['params']> : Request['params'];
};

/**
 * Validates the body, query and path parameters against JSON Schemas compiled once, when the route
 * is declared. Defaults are applied; query strings are coerced. Failure: one VALIDATION_FAILED error
 * listing every problem.
 */
export function validate(schemas: Schemas): RequestHandler {
  const compiled: Array<[keyof Schemas, ValidateFunction]> = [];
  if (schemas.params) compiled.push(['params', stringAjv.compile(schemas.params)]);
  if (schemas.query) compiled.push(['query', stringAjv.compile(schemas.query)]);
  if (schemas.body) compiled.push(['body', bodyAjv.compile(schemas.body)]);
  return (req, _res, next) => {
    const problems: FieldProblem[] = [];
    for (const [where, check] of compiled) {
      // Express 5 exposes req.query through a getter: validate a copy and pin it on the request.
      const value = where === 'query' ? { ...req.query } : where === 'body' ? (req.body ?? {}) : req[where];
      if (!check(value)) problems.push(...fieldProblems(where, check.errors ?? []));
      else if (where === 'query')
        Object.defineProperty(req, 'query', { value, writable: true, enumerable: true });
      else if (where === 'body') req.body = value;
    }
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, problems);
    next();
  };
}
