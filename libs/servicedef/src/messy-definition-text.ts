// Renders a definition the way operators write files (comments, both quote styles, odd spacing, CRLF, text
// that looks like keys) and records where `active` is, for the byte-preservation property of active edits.
import { tomlString } from './format.js';
import type { ComponentDefinition, RouteDefinition, ServiceDefinition } from './types.js';

export interface MessyText {
  text: string;
  /** Where the value of the top-level `active` is, when the file has one. */
  activeSpan?: { start: number; end: number };
  /** What the text parses to (its comment may differ from the source definition's, `active` may be absent). */
  expected: ServiceDefinition;
  /** Where `active = …` must be inserted when the file has none: just after the top-level name line. */
  insertAt: number;
  nameIndent: string;
  eol: string;
}

const TRICKY_COMMENT = 'active = false\n[[components]]\nname = "x"  # not a key';

/** Literal strings cannot escape: no quote, and no control character but the ones in `allowed`. */
function literalAllows(value: string, allowed: string): boolean {
  return [...value].every((character) => {
    const code = character.codePointAt(0) ?? 0;
    return character !== "'" && ((code >= 0x20 && code !== 0x7f) || allowed.includes(character));
  });
}

/** A small seeded generator (mulberry32): rendering makes hundreds of choices, too many for fast-check's own. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function renderMessyDefinition(definition: ServiceDefinition, seed: number): MessyText {
  const random = seededRandom(seed);
  const pick = <T>(...values: T[]): T => values[Math.floor(random() * values.length)] as T;
  const coin = (): boolean => random() < 0.5;
  const eol = pick('\n', '\r\n');
  let out = '';
  let activeSpan: MessyText['activeSpan'];
  let insertAt = 0;
  let nameIndent = '';

  const string = (value: string, inline = false): string => {
    const forms = [tomlString(value)];
    if (literalAllows(value, '\t')) forms.push(`'${value}'`);
    if (!inline && literalAllows(value, '\t\n')) forms.push(`'''${eol}${value}'''`);
    return pick(...forms);
  };
  const integer = (value: number): string =>
    pick(String(value), `+${value}`, `0x${value.toString(16)}`, value >= 1000 ? String(value).replace(/(\d)(\d{3})$/, '$1_$2') : String(value));
  const key = (name: string): string => pick(name, `"${name}"`, `'${name}'`);
  const list = (values: readonly string[]): string => {
    if (values.length === 0 || coin()) return `[${values.map((value) => string(value, true)).join(pick(', ', ',', ' ,  '))}]`;
    const items = values.map((value) => `${pick('  ', '\t', '')}${string(value)},${pick('', ' # item', ' # active = true')}${eol}`);
    return `[${eol}${items.join(pick('', `# between${eol}`, eol))}]`;
  };
  const filler = (): string => pick('', eol, `# active = false${eol}`, `   ${eol}`, `#[snapshot]${eol}`, `\t# name = 'other'${eol}`);
  const line = (name: string, value: string, record?: (keyStart: number, valueStart: number) => void): void => {
    out += filler();
    const indent = pick('', '  ', '\t');
    const keyStart = out.length;
    out += `${indent}${key(name)}${pick(' = ', '=', '  =\t', '\t= ')}`;
    record?.(keyStart, out.length);
    out += `${value}${pick('', ' # active = true', '\t#name = "x"', ' # [[components]]', '#')}${eol}`;
    if (name === 'name' && insertAt === 0) {
      nameIndent = indent;
      insertAt = out.length;
    }
  };
  const header = (name: string, array: boolean): void => {
    const spaced = pick(name, ` ${name} `, name.replace('.', ' . '));
    out += `${filler()}${pick('', eol)}${pick('', '  ')}${array ? `[[${spaced}]]` : `[${spaced}]`}${pick('', ' # header')}${eol}`;
  };

  const shuffle = <T>(values: T[]): T[] => {
    const copy = [...values];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  const activeMode = pick('absent', 'present');
  const topLevel: [string, () => string][] = [['name', () => string(definition.name)]];
  if (activeMode === 'present') topLevel.push(['active', () => String(definition.active)]);
  if (definition.tier !== undefined) topLevel.push(['tier', () => string(definition.tier ?? '')]);
  if (definition.node !== undefined) topLevel.push(['node', () => string(definition.node ?? '')]);
  const comment = coin() ? TRICKY_COMMENT : definition.comment;
  if (comment !== undefined) topLevel.push(['comment', () => string(comment)]);
  if (definition.path !== undefined) topLevel.push(['path', () => string(definition.path ?? '')]);
  for (const [name, value] of shuffle(topLevel)) {
    const text = value();
    line(name, text, name === 'active' ? (_, valueStart) => (activeSpan = { start: valueStart, end: valueStart + text.length }) : undefined);
  }

  const images = Object.entries(definition.buildImages);
  if (images.length > 0) {
    header('build.images', false);
    for (const [repository, dockerfile] of images) out += `${pick(tomlString(repository), `'${repository}'`)}${pick(' = ', '=')}${string(dockerfile, true)}${eol}`;
  }
  if (definition.snapshot.method !== '' || definition.snapshot.exclude.length > 0 || coin()) {
    header('snapshot', false);
    if (definition.snapshot.method !== '' || coin()) line('method', string(definition.snapshot.method));
    if (definition.snapshot.exclude.length > 0 || coin()) line('exclude', list(definition.snapshot.exclude));
  }
  for (const component of definition.components) renderComponent(component);

  function renderComponent(component: ComponentDefinition): void {
    header('components', true);
    line('name', string(component.name, true));
    line('image', string(component.image));
    if (component.runtime === 'unikernel' || coin()) line('runtime', string(component.runtime));
    if (component.memoryMb !== undefined) line('memory', integer(component.memoryMb));
    if (component.runtime === 'unikernel') line('vcpus', integer(component.vcpus));
    for (const name of ['network', 'user', 'restart'] as const) {
      const value = component[name];
      if (value !== undefined) line(name, string(value));
    }
    const lists = component.runtime === 'unikernel' ? (['ports', 'env'] as const) : (['ports', 'volumes', 'env'] as const);
    for (const name of lists) if (component[name].length > 0 || coin()) line(name, list(component[name]));
    if (component.cmd !== undefined) line('cmd', list(component.cmd));
    if (component.routes.length > 0 && coin()) line('routes', `[${component.routes.map(inlineRoute).join(', ')}]`);
    else for (const route of component.routes) renderRoute(route);
  }
  function renderRoute(route: RouteDefinition): void {
    header('components.routes', true);
    if (route.name !== '' || coin()) line('name', string(route.name, true));
    line('port', integer(route.port));
    if (route.mode === 'l7' || coin()) line('mode', string(route.mode));
    if (route.hostname !== undefined) line('hostname', string(route.hostname));
    if (route.public || coin()) line('public', String(route.public));
  }
  function inlineRoute(route: RouteDefinition): string {
    const fields = [`name = ${string(route.name, true)}`, `port=${integer(route.port)}`, `mode = ${string(route.mode, true)}`, `public = ${route.public}`];
    if (route.hostname !== undefined) fields.push(`hostname = ${string(route.hostname, true)}`);
    return `{ ${fields.join(', ')} }`;
  }

  const expected: ServiceDefinition = { ...definition, active: activeMode === 'absent' ? true : definition.active };
  if (comment !== undefined) expected.comment = comment;
  const text = out;
  return activeSpan === undefined ? { text, expected, insertAt, nameIndent, eol } : { text, expected, activeSpan, insertAt, nameIndent, eol };
}
