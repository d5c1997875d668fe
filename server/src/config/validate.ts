import type { ErrorObject } from 'ajv';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ConfigProblem } from './env-overrides.js';
import { ConfigSchema } from './schema.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// verbose: `required` errors carry their schema, whose description says when the key is required.
const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
});
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
const check = ajv.compile(ConfigSchema);

/** Renders one ajv error as `path: message`, naming the offending key for unknown properties. */
function toProblem(error: ErrorObject): ConfigProblem {
  const base = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: base ? `${base}.${extra}` : extra, message: 'unknown key' };
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const when = (error.parentSchema as { description?: string } | undefined)?.description;
    return {
      path: base ? `${base}.${missing}` : missing,
      message: when?.startsWith('required when') ? when : 'is required',
    };
  }
  if (error.keyword === 'anyOf') return { path: base, message: 'does not match any allowed form' };
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return { path: base, message: `must be one of ${allowed.join(', ')}` };
  }
  return { path: base || '(root)', message: error.message ?? 'is invalid' };
}

/** Validates (and fills defaults into) `value` in place; returns every problem found. */
export function validateConfig(value: unknown): ConfigProblem[] {
  if (check(value)) return [];
  const errors = check.errors ?? [];
  // A failed anyOf also reports each branch's failure at the same path: keep only the summary.
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  return (
    errors
      // A failed if/then is reported by the `then` errors themselves.
      .filter((e) => e.keyword !== 'if')
      .filter((e) => e.keyword === 'anyOf' || !unions.has(e.instancePath))
      .map(toProblem)
      .filter((p) => {
        const key = `${p.path}\0${p.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
  );
}
