// Finds where each key and value of an already-valid TOML document sits (lines, byte spans), without evaluating it.
import { formatKeyPath, type KeySegment } from './key-path.js';

export interface LocatedEntry {
  /** `key` for `key = value`, `header` for `[table]` / `[[array]]`, `element` for an item of an inline array. */
  kind: 'key' | 'header' | 'element';
  path: KeySegment[];
  /** 1-based line of the key, header or element. */
  line: number;
  keyStart: number;
  valueStart: number;
  /** Exclusive end of the value (or of the header). */
  valueEnd: number;
  /** The value exactly as written. */
  raw: string;
}

/** Map from formatted key path to where it is written. Meant for text that a TOML parser accepted. */
export type TomlLocations = Map<string, LocatedEntry>;

const SCALAR_END = new Set([' ', '\t', '\r', '\n', ',', ']', '}', '#']);
const BASIC_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

export function locateKeys(text: string): TomlLocations {
  const entries: TomlLocations = new Map();
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const arrayCounts = new Map<string, number>();
  let pos = 0;
  let table: KeySegment[] = [];

  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  const record = (kind: LocatedEntry['kind'], path: KeySegment[], keyStart: number, valueStart: number): void => {
    const key = formatKeyPath(path);
    if (entries.has(key)) return;
    const raw = text.slice(valueStart, pos);
    entries.set(key, { kind, path, line: lineOf(keyStart), keyStart, valueStart, valueEnd: pos, raw });
  };
  const skipBlanks = (): void => {
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
  };
  const skipBlanksLinesAndComments = (): void => {
    for (;;) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') pos++;
      else if (c === '#') while (pos < text.length && text[pos] !== '\n') pos++;
      else return;
    }
  };
  const readBasicString = (): string => {
    const start = ++pos;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    return decodeBasicEscapes(text.slice(start, pos++));
  };
  const readLiteralString = (): string => {
    const start = ++pos;
    const end = text.indexOf("'", start);
    pos = end < 0 ? text.length : end + 1;
    return text.slice(start, pos - 1);
  };
  const parseKey = (): KeySegment[] => {
    const segments: KeySegment[] = [];
    for (;;) {
      skipBlanks();
      if (text[pos] === '"') segments.push(readBasicString());
      else if (text[pos] === "'") segments.push(readLiteralString());
      else {
        const start = pos;
        while (pos < text.length && /[A-Za-z0-9_-]/.test(text[pos] ?? '')) pos++;
        if (pos === start) return segments;
        segments.push(text.slice(start, pos));
      }
      skipBlanks();
      if (text[pos] !== '.') return segments;
      pos++;
    }
  };
  const skipString = (): void => {
    if (text.startsWith('"""', pos)) {
      pos += 3;
      while (pos < text.length && !text.startsWith('"""', pos)) pos += text[pos] === '\\' ? 2 : 1;
      pos = Math.min(text.length, pos + 3);
    } else if (text.startsWith("'''", pos)) {
      const end = text.indexOf("'''", pos + 3);
      pos = end < 0 ? text.length : end + 3;
    } else if (text[pos] === '"') readBasicString();
    else readLiteralString();
  };
  const parseValue = (path: KeySegment[], kind: LocatedEntry['kind'], keyStart: number): void => {
    const valueStart = pos;
    const c = text[pos];
    if (c === '"' || c === "'") skipString();
    else if (c === '[') {
      pos++;
      for (let index = 0; pos < text.length; index++) {
        skipBlanksLinesAndComments();
        if (text[pos] === ']') break;
        const before = pos;
        parseValue([...path, index], 'element', pos);
        skipBlanksLinesAndComments();
        if (text[pos] === ',') pos++;
        else if (pos === before) break;
      }
      pos++;
    } else if (c === '{') {
      pos++;
      while (pos < text.length) {
        skipBlanks();
        if (text[pos] === '}') break;
        const before = pos;
        parseKeyValue(path);
        skipBlanks();
        if (text[pos] === ',') pos++;
        else if (pos === before) break;
      }
      pos++;
    } else {
      while (pos < text.length && !SCALAR_END.has(text[pos] ?? '')) pos++;
      // A date and a time may be separated by one space (`1979-05-27 07:32:00`).
      if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(valueStart, pos)) && text[pos] === ' ' && /\d/.test(text[pos + 1] ?? '')) {
        pos++;
        while (pos < text.length && !SCALAR_END.has(text[pos] ?? '')) pos++;
      }
    }
    pos = Math.min(pos, text.length);
    record(kind, path, keyStart, valueStart);
  };
  const parseKeyValue = (base: KeySegment[]): void => {
    const keyStart = pos;
    const key = parseKey();
    skipBlanks();
    if (key.length === 0 || text[pos] !== '=') {
      pos = text.length; // not TOML we understand: stop rather than guess
      return;
    }
    pos++;
    skipBlanks();
    parseValue([...base, ...key], 'key', keyStart);
  };
  const parseHeader = (): void => {
    const start = pos;
    const isArray = text.startsWith('[[', pos);
    pos += isArray ? 2 : 1;
    const segments = parseKey();
    skipBlanks();
    pos += isArray ? 2 : 1;
    const resolved: KeySegment[] = [];
    segments.forEach((segment, index) => {
      resolved.push(segment);
      const count = arrayCounts.get(formatKeyPath(resolved));
      if (index === segments.length - 1 && isArray) {
        arrayCounts.set(formatKeyPath(resolved), (count ?? 0) + 1);
        resolved.push(count ?? 0);
      } else if (index < segments.length - 1 && count !== undefined) resolved.push(count - 1);
    });
    record('header', resolved, start, start);
    table = resolved;
  };

  while (pos < text.length) {
    skipBlanksLinesAndComments();
    if (pos >= text.length) break;
    if (text[pos] === '[') parseHeader();
    else parseKeyValue(table);
    skipBlanks();
    if (text[pos] === '#') while (pos < text.length && text[pos] !== '\n') pos++;
    if (pos < text.length && text[pos] !== '\n' && text[pos] !== '\r') break; // unexpected: stop scanning
  }
  return entries;
}

function decodeBasicEscapes(body: string): string {
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (whole, escape: string) => {
    if (escape.length > 1) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
    return BASIC_ESCAPES[escape] ?? whole;
  });
}
