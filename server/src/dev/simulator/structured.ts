/**
 * Structured outputs (`response_format`), as vLLM decodes them: a `json_schema` request gets JSON
 * matching the schema, a `json_object` request a JSON object. The assistant's schemas (files of a
 * generate answer, findings of an analyze answer) get answers written for them; any other schema
 * gets a minimal instance.
 */
import { composeChatAnswer } from './answer.js';
import { badRequest } from './errors.js';
import { composeGeneratedFiles } from './structured-files.js';
import { composeReview } from './structured-review.js';
import type { JsonObject } from './validate.js';

type Schema = Record<string, unknown>;

/** The smallest value a JSON Schema accepts (first enum value, minimum, empty array, required members). */
function instanceOf(schema: Schema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = Array.isArray(schema.required)
        ? (schema.required as string[])
        : Object.keys(properties);
      return Object.fromEntries(required.map((k) => [k, instanceOf(properties[k] ?? {})]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'simulated';
  }
}

/** The answer for a request with `response_format`, or undefined when it has none (plain text). */
export function structuredAnswer(body: JsonObject, userText: string): string | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  if (typeof format !== 'object' || Array.isArray(format))
    throw badRequest('response_format: Input should be a valid dictionary');
  const { type, json_schema: spec } = format as JsonObject;
  if (type === 'text') return undefined;
  if (type === 'json_object') return JSON.stringify({ answer: composeChatAnswer(userText) });
  if (type !== 'json_schema')
    throw badRequest("response_format.type: Input should be 'text', 'json_object' or 'json_schema'");
  const schema = (spec as JsonObject | undefined)?.schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    throw badRequest('response_format.json_schema.schema: Field required');
  const properties = ((schema as Schema).properties ?? {}) as Schema;
  if ('files' in properties) return composeGeneratedFiles(userText);
  if ('findings' in properties) return composeReview(userText);
  return JSON.stringify(instanceOf(schema as Schema));
}
