// The nx project graph is real: a change is traced to exactly the projects that depend on it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workspaceRoot = fileURLToPath(new URL('..', import.meta.url));

function affectedBy(file: string): string[] {
  const out = execFileSync('pnpm', ['exec', 'nx', 'show', 'projects', '--affected', `--files=${file}`, '--json'], {
    cwd: workspaceRoot,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('project graph', () => {
  it('marks mcp-master, and not mcp-agent, affected by a change to libs/placement', () => {
    const affected = affectedBy('libs/placement/src/index.ts');
    expect(affected).toContain('@mcp/placement');
    expect(affected).toContain('@mcp/mcp-master');
    expect(affected).not.toContain('@mcp/mcp-agent');
    expect(affected).not.toContain('@mcp/mcp');
  });

  it('marks every app affected by a change to the wire contract library', () => {
    const affected = affectedBy('libs/proto/src/index.ts');
    expect(affected).toEqual(expect.arrayContaining(['@mcp/proto', '@mcp/mcp', '@mcp/mcp-agent', '@mcp/mcp-master']));
  });
});
