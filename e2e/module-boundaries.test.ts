// The lint rule that keeps dependencies flowing apps → libs: a lib importing an app is an error.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repo } from './support/programs.js';

const boundaryRules = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => boundaryRules.has(message.ruleId ?? '')).map((message) => message.message);
}

describe('module boundaries', () => {
  it('refuses a lib that imports an app', async () => {
    const errors = await boundaryErrors(
      'libs/placement/src/boundary-probe.ts',
      "import { agentVersion } from '@mcp/mcp-agent';\nexport const probe = agentVersion;\n",
    );
    expect(errors).toEqual([expect.stringContaining('Libs never import apps')]);
  });

  it('refuses a lib that imports an app by a relative path', async () => {
    const errors = await boundaryErrors(
      'libs/placement/src/boundary-probe.ts',
      "import { agentVersion } from '../../../apps/mcp-agent/src/version.js';\nexport const probe = agentVersion;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses a lib that depends on a lib its tags do not allow', async () => {
    const errors = await boundaryErrors(
      'libs/placement/src/boundary-probe.ts',
      "import { containerName } from '@mcp/runtime';\nexport const probe = containerName;\n",
    );
    expect(errors).toEqual([expect.stringContaining('cannot depend on any libs with tags')]);
  });

  it('refuses an app that reaches into a lib past its index', async () => {
    const errors = await boundaryErrors(
      'apps/mcp/src/boundary-probe.ts',
      "import { openRegistry } from '@mcp/registry/src/open-registry.js';\nexport const probe = openRegistry;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('lets an app import a lib through its public surface', async () => {
    const errors = await boundaryErrors(
      'apps/mcp-master/src/boundary-probe.ts',
      "import { placeService } from '@mcp/placement';\nexport const probe = placeService;\n",
    );
    expect(errors).toEqual([]);
  });
});
