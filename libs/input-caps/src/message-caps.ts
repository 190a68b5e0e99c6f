// Checks a decoded protobuf message against the caps, walking its schema: every string, list and map field of
// every message it holds, so a field added to the contract is capped without anyone remembering to.
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { listCapOf, stringCapOf, type InputCaps } from './caps.js';

/** The first field over its cap: where (`service.components[0].ports`), and a sentence naming the cap. */
export interface CapBreach {
  readonly field: string;
  readonly message: string;
}

type Fields = Record<string, unknown>;

const at = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
const capName = (field: DescField): string => `${field.parent.typeName}.${field.name}`;

function stringBreach(value: unknown, where: string, field: DescField, caps: InputCaps): CapBreach | undefined {
  const cap = stringCapOf(caps, capName(field));
  if (typeof value !== 'string' || value.length <= cap) return undefined;
  return { field: where, message: `${where}: ${value.length} characters; expected at most ${cap} (the cap on ${capName(field)})` };
}

function countBreach(count: number, where: string, field: DescField, caps: InputCaps): CapBreach | undefined {
  const cap = listCapOf(caps, capName(field));
  return count <= cap ? undefined : { field: where, message: `${where}: ${count} entries; expected at most ${cap} (the cap on ${capName(field)})` };
}

function valueOf(message: Fields, field: DescField): unknown {
  if (field.oneof === undefined) return message[field.localName];
  const chosen = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
  return chosen?.case === field.localName ? chosen.value : undefined;
}

function walk(schema: DescMessage, message: Fields, path: string, caps: InputCaps): CapBreach | undefined {
  for (const field of schema.fields) {
    const value = valueOf(message, field);
    if (value === undefined) continue;
    const where = at(path, field.name);
    let breach: CapBreach | undefined;
    switch (field.fieldKind) {
      case 'scalar':
        breach = field.scalar === ScalarType.STRING ? stringBreach(value, where, field, caps) : undefined;
        break;
      case 'message':
        breach = walk(field.message, value as Fields, where, caps);
        break;
      case 'list': {
        const items = value as readonly unknown[];
        // The length first: a list over its cap is refused without looking at its items.
        breach = countBreach(items.length, where, field, caps);
        for (let index = 0; breach === undefined && index < items.length; index++) {
          const item = items[index];
          if (field.listKind === 'message') breach = walk(field.message, item as Fields, `${where}[${index}]`, caps);
          else if (field.scalar === ScalarType.STRING) breach = stringBreach(item, `${where}[${index}]`, field, caps);
        }
        break;
      }
      case 'map': {
        const entries = Object.entries(value as Fields);
        breach = countBreach(entries.length, where, field, caps);
        for (let index = 0; breach === undefined && index < entries.length; index++) {
          const [key, item] = entries[index] ?? ['', undefined];
          const here = `${where}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
          breach = stringBreach(key, `${where} key`, field, caps);
          if (breach !== undefined) break;
          if (field.mapKind === 'message') breach = walk(field.message, item as Fields, here, caps);
          else if (field.scalar === ScalarType.STRING) breach = stringBreach(item, here, field, caps);
        }
        break;
      }
      default:
        break;
    }
    if (breach !== undefined) return breach;
  }
  return undefined;
}

/**
 * The first field of `message` over its cap, or undefined. Linear in the message's size, and a list over its cap
 * is judged by its length alone. `path` prefixes the field names (`service` for a ServiceSpec in a request).
 */
export function findCapBreach(schema: DescMessage, message: object, options: { path?: string; caps: InputCaps }): CapBreach | undefined {
  return walk(schema, message as Fields, options.path ?? '', options.caps);
}
