import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryDefinition } from './definition-arbitrary.js';
import { formatDefinition } from './format.js';
import { parseDefinition } from './parse.js';

describe('formatDefinition', () => {
  it('writes text that parses back to the same definition', () => {
    fc.assert(fc.property(arbitraryDefinition, (definition) => {
      const file = `${definition.name}.toml`;
      expect(parseDefinition(formatDefinition(definition), file)).toStrictEqual({ ok: true, file, definition });
    }));
  });

  it('is stable: formatting a parsed canonical file gives the same text', () => {
    fc.assert(fc.property(arbitraryDefinition, (definition) => {
      const text = formatDefinition(definition);
      const parsed = parseDefinition(text, `${definition.name}.toml`);
      expect(parsed.ok && formatDefinition(parsed.definition)).toBe(text);
    }));
  });
});
