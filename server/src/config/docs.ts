import type { TSchema } from '@sinclair/typebox';
import { CONFIG_LEAVES } from './loader.js';
import { ConfigSchema } from './schema.js';

const BEGIN = '<!-- BEGIN GENERATED: aila config docs -->';
const END = '<!-- END GENERATED: aila config docs -->';

function typeOf(schema: TSchema): string {
  if (schema.anyOf) {
    const literals = (schema.anyOf as TSchema[]).filter((s) => s.const !== undefined);
    if (literals.length === schema.anyOf.length)
      return literals.map((s) => `\`${String(s.const)}\``).join(' \\| ');
    return (schema.anyOf as TSchema[]).map(typeOf).join(' \\| ');
  }
  if (schema.type === 'array') return `array of ${typeOf(schema.items as TSchema)}`;
  if (schema.type === 'object') return 'map of string';
  return String(schema.type);
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The reference tables of every configuration key, generated from the schema. */
export function renderConfigReference(): string {
  const lines = [BEGIN, ''];
  for (const [name, section] of Object.entries(ConfigSchema.properties)) {
    lines.push(`### \`${name}\``, '', String((section as TSchema).description ?? ''), '');
    lines.push('| key | type | default | environment | description |', '|---|---|---|---|---|');
    for (const leaf of CONFIG_LEAVES.filter((l) => l.path[0] === name)) {
      const def = leaf.schema.default === undefined ? '' : `\`${JSON.stringify(leaf.schema.default)}\``;
      const secret = leaf.secret ? ' **Secret**: use `_FILE` or a `vault:` reference.' : '';
      lines.push(
        `| \`${leaf.path.join('.')}\` | ${typeOf(leaf.schema)} | ${def} | \`${leaf.env}\` | ${cell(String(leaf.schema.description ?? ''))}${secret} |`,
      );
    }
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

/** Replaces the generated block inside an existing document. */
export function spliceConfigReference(document: string): string {
  const start = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (start < 0 || end < 0) throw new Error('document has no generated configuration block');
  return document.slice(0, start) + renderConfigReference() + document.slice(end + END.length);
}
