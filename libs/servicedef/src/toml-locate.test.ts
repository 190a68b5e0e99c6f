import { describe, expect, it } from 'vitest';
import { locateKeys } from './toml-locate.js';

const lineOf = (text: string, keyPath: string): number | undefined => locateKeys(text).get(keyPath)?.line;

describe('locateKeys', () => {
  it('numbers arrays of tables and nests them under the latest parent', () => {
    const text = '[[components]]\nname = "a"\n[[components]]\nname = "b"\n[[components.routes]]\nport = 1\n[[components.routes]]\nport = 2\n';
    expect([lineOf(text, 'components[1]'), lineOf(text, 'components[1].routes[1].port')]).toStrictEqual([3, 8]);
  });

  it('gives the exact span of a value as written', () => {
    const text = 'active   =  true # keep\n';
    const entry = locateKeys(text).get('active');
    expect(entry && text.slice(entry.valueStart, entry.valueEnd)).toBe('true');
  });

  it('locates keys inside inline tables and arrays spread over lines', () => {
    const text = 'routes = [\n  { port = 1 },  # first\n  { port = 2, mode = "l7" },\n]\n';
    expect(lineOf(text, 'routes[1].mode')).toBe(3);
  });

  it('skips text inside multi-line strings of both kinds', () => {
    const text = "a = '''\nb = 1\n'''\nc = \"\"\"\nd = \\\"\"\" 2\n\"\"\"\ne = 3\n";
    const keys = [...locateKeys(text).keys()];
    expect(keys).toStrictEqual(['a', 'c', 'e']);
  });

  it('reads quoted and dotted keys as path segments', () => {
    const text = '"a.b" = 1\nc . \'d\' = 2\n[build.images]\n"localhost/app" = "Dockerfile"\n';
    expect([...locateKeys(text).keys()]).toStrictEqual(['["a.b"]', 'c.d', 'build.images', 'build.images["localhost/app"]']);
  });

  it('keeps a date and time separated by a space as one value', () => {
    expect(locateKeys('when = 1979-05-27 07:32:00Z\n').get('when')?.raw).toBe('1979-05-27 07:32:00Z');
  });
});
