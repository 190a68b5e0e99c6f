import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setActiveInText } from './active-edit.js';
import { arbitraryDefinition } from './definition-arbitrary.js';
import { renderMessyDefinition } from './messy-definition-text.js';
import { parseDefinition } from './parse.js';

const file = (name: string): string => `/services/${name}.toml`;
const messyFile = fc.tuple(arbitraryDefinition, fc.integer(), fc.boolean());

describe('setActiveInText on operator-style files', () => {
  it('reads generated messy files as the definition they were rendered from', () => {
    fc.assert(
      fc.property(messyFile, ([definition, seed]) => {
        const messy = renderMessyDefinition(definition, seed);
        expect(parseDefinition(messy.text, file(definition.name))).toEqual({ ok: true, file: file(definition.name), definition: messy.expected });
      }),
      { numRuns: 300 },
    );
  });

  it('changes the meaning of no value other than active', () => {
    fc.assert(
      fc.property(messyFile, ([definition, seed, active]) => {
        const messy = renderMessyDefinition(definition, seed);
        const edited = parseDefinition(setActiveInText(messy.text, active), file(definition.name));
        expect(edited).toEqual({ ok: true, file: file(definition.name), definition: { ...messy.expected, active } });
      }),
      { numRuns: 300 },
    );
  });

  it('changes no byte outside the active value, or adds exactly one line after the name line', () => {
    fc.assert(
      fc.property(messyFile, ([definition, seed, active]) => {
        const { text, activeSpan, insertAt, nameIndent, eol } = renderMessyDefinition(definition, seed);
        const expected = activeSpan
          ? text.slice(0, activeSpan.start) + String(active) + text.slice(activeSpan.end)
          : `${text.slice(0, insertAt)}${nameIndent}active = ${active}${eol}${text.slice(insertAt)}`;
        expect(setActiveInText(text, active)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
