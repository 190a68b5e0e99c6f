// index.ts re-exports every generated file, so a new proto file cannot be forgotten.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

describe('index.ts', () => {
  it('re-exports every generated *_pb.ts file and nothing else', () => {
    const generated = readdirSync(join(here, 'gen/mcp/v1'))
      .filter((f) => f.endsWith('_pb.ts'))
      .map((f) => `./gen/mcp/v1/${f.replace(/\.ts$/, '.js')}`)
      .sort();
    const exported = [...readFileSync(join(here, 'index.ts'), 'utf8').matchAll(/^export \* from '([^']+)';$/gm)]
      .map((m) => m[1])
      .sort();
    expect(exported).toEqual(generated);
  });
});
