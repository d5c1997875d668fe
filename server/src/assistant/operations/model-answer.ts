/**
 * Reading a model's JSON answer. The request asks for it with `response_format` (vLLM structured
 * outputs), but a model served without guided decoding may still wrap it in a Markdown fence or a
 * sentence: the first JSON object in the text is taken, then checked against the answer's schema.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { AppError } from '../../platform/errors.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** The JSON object in a model's text, or undefined. */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  const candidates = [trimmed];
  const fenced = /^```[a-z]*\n([\s\S]*?)\n```$/i.exec(trimmed);
  if (fenced) candidates.push(fenced[1] as string);
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(trimmed.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string with lone UTF-16 surrogates replaced by U+FFFD (a model can emit them as `\ud800`). */
export const wellFormedText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');

/** A JSON value whose strings all have a UTF-8 form, so it can be canonicalized (RFC 8785 §3.1). */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return wellFormedText(value) as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormedText(k), wellFormed(v)])) as T;
  return value;
}

/** A checker of one answer schema, compiled once. */
export function answerReader<S extends TSchema>(schema: S): (text: string) => Static<S> {
  const check = ajv.compile(schema);
  return (text) => {
    const value = extractJson(text);
    if (value === undefined)
      throw new AppError('MODEL_OUTPUT_INVALID', 'The model did not answer with a JSON object.');
    if (!check(value)) {
      const first = check.errors?.[0];
      throw new AppError(
        'MODEL_OUTPUT_INVALID',
        `The model's answer does not have the expected shape (${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}).`,
      );
    }
    return wellFormed(value as Static<S>);
  };
}
