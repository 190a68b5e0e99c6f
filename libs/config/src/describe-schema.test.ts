import { describe, expect, it } from 'vitest';
import { describeSchema } from './describe-schema.js';
import { integer, path, string, tables } from './fields.js';

describe('describeSchema', () => {
  it('lists every key with its type, default, environment variable and meaning', () => {
    const text = describeSchema({
      server: { listen: string({ doc: 'where to listen', nonEmpty: true, env: 'X_LISTEN' }) },
      ports: { first: integer({ doc: 'first port', default: 10000, min: 1, max: 65535 }) },
      data: { dir: path({ doc: 'data dir', default: '~/d' }) },
      nodes: tables('agents', { name: string({ doc: 'node name' }) }),
    });
    expect(text.split('\n')).toEqual([
      '| key | type | default | environment | meaning |',
      '|---|---|---|---|---|',
      '| `server.listen` | a non-empty string | required | `X_LISTEN` | where to listen |',
      '| `ports.first` | a whole number from 1 to 65535 | `10000` |  | first port |',
      '| `data.dir` | a path | `"~/d"` |  | data dir |',
      '| `[[nodes]]` | tables | none | | agents |',
      '| `nodes[].name` | a string | required |  | node name |',
    ]);
  });
});
