import { describe, expect, it } from 'vitest';
import { definitionOrThrow, ServiceDefError } from './errors.js';
import { parseDefinition } from './parse.js';

describe('ServiceDefError', () => {
  it('carries the file and every problem, one message per line', () => {
    const result = parseDefinition('name = 1\nactive = 2\n', 'svc.toml');
    const error = new ServiceDefError('svc.toml', result.ok ? [] : result.problems);
    expect([error.file, error.problems.length, error.message.split('\n').length]).toStrictEqual(['svc.toml', 3, 3]);
  });
});

describe('definitionOrThrow', () => {
  it('returns the definition of a valid file', () => {
    expect(definitionOrThrow(parseDefinition('name = "svc"\n[[components]]\nname = "a"\nimage = "a:1"\n', 'svc.toml')).name).toBe('svc');
  });

  it('throws the problems of an invalid file', () => {
    expect(() => definitionOrThrow(parseDefinition('name = 1\n', 'svc.toml'))).toThrow(ServiceDefError);
  });
});
