// Gives every field of a schema a default environment variable: PREFIX_SECTION_KEY (upper case).
import type { Field, Schema, TableList } from './fields.js';

function isField(entry: Field<unknown> | TableList<Schema> | Schema): entry is Field<unknown> {
  return (entry as { kind?: unknown }).kind === 'field';
}

function isTableList(entry: Field<unknown> | TableList<Schema> | Schema): entry is TableList<Schema> {
  return (entry as { kind?: unknown }).kind === 'tables';
}

/**
 * Returns `schema` with `env` set to `<PREFIX>_<SECTION>_<KEY>` on every field that names none
 * (`server.listen` → `MCP_AGENT_SERVER_LISTEN`). Arrays of tables are left to the file.
 */
export function withEnvPrefix<S extends Schema>(schema: S, prefix: string): S {
  const walk = (entry: Schema, path: string[]): Schema =>
    Object.fromEntries(
      Object.entries(entry).map(([key, value]) => {
        if (isField(value)) {
          const env = value.env ?? [prefix, ...path, key].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
          return [key, { ...value, env }];
        }
        if (isTableList(value)) return [key, value];
        return [key, walk(value, [...path, key])];
      }),
    );
  return walk(schema, []) as S;
}
