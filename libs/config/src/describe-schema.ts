// Renders a schema as a Markdown table, so every app documents its config keys from one source.
import type { Field, Schema, TableList } from './fields.js';

function isField(entry: Field<unknown> | TableList<Schema> | Schema): entry is Field<unknown> {
  return (entry as { kind?: unknown }).kind === 'field';
}

function isTableList(entry: Field<unknown> | TableList<Schema> | Schema): entry is TableList<Schema> {
  return (entry as { kind?: unknown }).kind === 'tables';
}

function rows(schema: Schema, prefix: string, out: string[]): void {
  for (const [key, entry] of Object.entries(schema)) {
    const keyPath = prefix === '' ? key : `${prefix}.${key}`;
    if (isField(entry)) {
      const fallback = entry.fallback?.({ baseDir: '<config dir>', homedir: '~' });
      const shown = fallback === undefined ? (entry.optional ? 'none' : 'required') : `\`${JSON.stringify(fallback)}\``;
      out.push(`| \`${keyPath}\` | ${entry.expected} | ${shown} | ${entry.env ? `\`${entry.env}\`` : ''} | ${entry.doc} |`);
    } else if (isTableList(entry)) {
      out.push(`| \`[[${keyPath}]]\` | tables | none | | ${entry.doc} |`);
      rows(entry.fields, `${keyPath}[]`, out);
    } else {
      rows(entry, keyPath, out);
    }
  }
}

/** A Markdown table of every key: type, default, environment variable, meaning. */
export function describeSchema(schema: Schema): string {
  const out = ['| key | type | default | environment | meaning |', '|---|---|---|---|---|'];
  rows(schema, '', out);
  return out.join('\n');
}
