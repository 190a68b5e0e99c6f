import { describe, expect, it } from 'vitest';
import type { CorpusCase } from './corpus/corpus-case.js';
import { componentCases } from './corpus/component-cases.js';
import { routeCases } from './corpus/route-cases.js';
import { serviceCases } from './corpus/service-cases.js';
import { parseDefinition } from './parse.js';

function checkCase(corpusCase: CorpusCase): void {
  const file = corpusCase.file ?? 'svc.toml';
  const result = parseDefinition(corpusCase.text, file);
  if (result.ok) throw new Error(`accepted: ${corpusCase.text}`);
  const messages = result.problems.map((problem) => problem.message).join('\n');
  const problem = result.problems.find((candidate) => candidate.keyPath === corpusCase.keyPath);
  expect(problem, messages).toBeDefined();
  expect(problem?.expected).toContain(corpusCase.expected);
  expect(problem?.message.startsWith(corpusCase.keyPath === '' ? `${file}: ` : `${file}: ${corpusCase.keyPath}: `)).toBe(true);
  expect(problem?.message).toContain(`; expected ${problem?.expected}`);
  if (corpusCase.found !== undefined) expect(problem?.message).toContain(corpusCase.found);
  if (corpusCase.line !== undefined) expect(problem?.line).toBe(corpusCase.line);
  expect(result.problems, messages).toHaveLength(corpusCase.count ?? 1);
}

describe('malformed service-level definitions', () => {
  it.each(serviceCases.map((corpusCase) => [corpusCase.title, corpusCase] as const))('refuses %s', (_, corpusCase) => checkCase(corpusCase));
});

describe('malformed components', () => {
  it.each(componentCases.map((corpusCase) => [corpusCase.title, corpusCase] as const))('refuses %s', (_, corpusCase) => checkCase(corpusCase));
});

describe('malformed routes', () => {
  it.each(routeCases.map((corpusCase) => [corpusCase.title, corpusCase] as const))('refuses %s', (_, corpusCase) => checkCase(corpusCase));
});

describe('the corpus', () => {
  it('holds at least 60 malformed definitions', () => {
    expect(serviceCases.length + componentCases.length + routeCases.length).toBeGreaterThanOrEqual(60);
  });
});
