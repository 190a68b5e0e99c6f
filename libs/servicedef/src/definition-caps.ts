// The wire's caps (@mcp/input-caps) applied to a definition file, before it is validated: the TOML keys of a
// definition map to the fields of ServiceSpec, so a file and a request are held to the same lengths.
import { listCapOf, stringCapOf, WIRE_CAPS } from '@mcp/input-caps';
import { isTable } from './field-reader.js';
import { formatKeyPath, type KeySegment } from './key-path.js';

/** Longest definition text, in characters: far beyond any real file, and what the caps allow and more. */
export const MAX_DEFINITION_CHARS = 1024 * 1024;

export interface CapProblem {
  readonly keyPath: string;
  readonly problem: string;
  readonly expected: string;
}

// Which message a table of the file corresponds to, and the proto name of each key that is named differently.
const SERVICE = 'mcp.v1.ServiceSpec';
const tableTypes: Readonly<Record<string, string>> = { components: 'mcp.v1.ComponentSpec', routes: 'mcp.v1.RouteSpec', snapshot: 'mcp.v1.SnapshotConfig' };
const renamed: Readonly<Record<string, string>> = {
  'mcp.v1.SnapshotConfig.exclude': 'mcp.v1.SnapshotConfig.excludes',
  'mcp.v1.ComponentSpec.memory': 'mcp.v1.ComponentSpec.memory_mb',
  'mcp.v1.ServiceSpec.build.images': 'mcp.v1.ServiceSpec.build_images',
};

const fieldName = (type: string, key: string): string => renamed[`${type}.${key}`] ?? `${type}.${key}`;

/** `value` is the field `field` (its cap name) at `path`; when it holds tables, they are messages of `type`. */
function walk(value: unknown, path: KeySegment[], field: string, type: string): CapProblem | undefined {
  if (typeof value === 'string') {
    const cap = stringCapOf(WIRE_CAPS, field);
    return value.length <= cap ? undefined : { keyPath: formatKeyPath(path), problem: `found a string of ${value.length} characters`, expected: `at most ${cap} characters` };
  }
  if (Array.isArray(value)) {
    const cap = listCapOf(WIRE_CAPS, field);
    if (value.length > cap) return { keyPath: formatKeyPath(path), problem: `found ${value.length} entries`, expected: `at most ${cap} entries` };
    for (let index = 0; index < value.length; index++) {
      const found = walk(value[index], [...path, index], field, type);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isTable(value)) return undefined;
  const keys = Object.keys(value);
  const cap = listCapOf(WIRE_CAPS, field);
  if (keys.length > cap) return { keyPath: formatKeyPath(path), problem: `found a table of ${keys.length} keys`, expected: `at most ${cap} keys` };
  for (const key of keys) {
    if (key.length > WIRE_CAPS.stringChars) {
      return { keyPath: formatKeyPath(path), problem: `found a key of ${key.length} characters`, expected: `keys of at most ${WIRE_CAPS.stringChars} characters` };
    }
    const found = walk(value[key], [...path, key], fieldName(type, key), tableTypes[key] ?? `${type}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first list, table or string of a parsed definition over its cap; lists are judged by length alone. */
export function findDefinitionCapProblem(table: Record<string, unknown>): CapProblem | undefined {
  return walk(table, [], SERVICE, SERVICE);
}
