// `restart` in a definition is read with the runtimes' one grammar (@mcp/runtime parseRestartPolicy): a definition
// accepts exactly the words podman and the VM supervisor take.
import { parseRestartPolicy } from '@mcp/runtime';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from './parse.js';

const withRestart = (restart: string): string =>
  `name = "svc"\n[[components]]\nname = "web"\nimage = "localhost/web:1.0"\nrestart = ${JSON.stringify(restart)}\n`;

describe('restart in a service definition', () => {
  it.each(['no', 'always', 'unless-stopped', 'on-failure', 'on-failure:1', 'on-failure:99999'])('accepts %j as the runtimes do', (restart) => {
    const result = parseDefinition(withRestart(restart), 'svc.toml');
    expect(result.ok && result.definition.components[0]?.restart).toBe(restart);
    expect(parseRestartPolicy(restart)).toBeDefined();
  });

  it.each(['', 'sometimes', 'always:3', 'on-failure:0', 'on-failure:05', 'on-failure:100000', 'Always'])('refuses %j as the runtimes do', (restart) => {
    const result = parseDefinition(withRestart(restart), 'svc.toml');
    expect(result.ok ? '' : result.problems[0]?.message).toBe(
      `svc.toml: components[0].restart: found ${JSON.stringify(restart)}; expected one of "no", "always", "unless-stopped", "on-failure", "on-failure:<max retries 1-99999>" (line 5)`,
    );
    expect(parseRestartPolicy(restart)).toBeUndefined();
  });
});
