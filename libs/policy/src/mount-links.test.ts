import { useTempDirs } from '@mcp/testing';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeployPolicy } from './check-policy.js';
import { defaultDeployPolicy } from './deploy-policy.js';
import { checkMountLinks, resolveThroughLinks } from './mount-links.js';

const tempDir = useTempDirs('mcp-policy-links');

describe('checkMountLinks', () => {
  it('refuses a mount that a symbolic link inside the service directory leads out of it', async () => {
    const dir = { path: await tempDir() };
    const root = join(dir.path, 'srv');
    await mkdir(join(root, 'web'), { recursive: true });
    await symlink('/etc', join(root, 'web', 'etc'));
    const policy = defaultDeployPolicy({ serviceRoot: root });
    const service = { name: 'web', components: [{ ports: [], volumes: [`${root}/web/data:/data`, `${root}/web/etc/ssh:/keys`] }] };
    expect(checkDeployPolicy(service, policy)).toEqual([]);
    const found = await checkMountLinks(service, policy);
    expect(found.map(({ keyPath, rule }) => ({ keyPath, rule }))).toEqual([{ keyPath: 'components[0].volumes[1]', rule: 'policy.mount_roots' }]);
    expect(found[0]?.message).toContain('which a symbolic link leads to "/etc/ssh"');
  });

  it('admits mounts under a service root that is itself reached through a link', async () => {
    const dir = { path: await tempDir() };
    await mkdir(join(dir.path, 'data', 'web'), { recursive: true });
    await symlink(join(dir.path, 'data'), join(dir.path, 'srv'));
    const policy = defaultDeployPolicy({ serviceRoot: join(dir.path, 'srv') });
    const service = { name: 'web', components: [{ ports: [], volumes: [`${dir.path}/srv/web:/w`, `${dir.path}/srv/web/new/dir:/n`] }] };
    expect(await checkMountLinks(service, policy)).toEqual([]);
  });

  it('keeps the parts of a path that do not exist yet as written', async () => {
    const dir = { path: await tempDir() };
    expect(await resolveThroughLinks(join(dir.path, 'a', 'b'))).toBe(join(dir.path, 'a', 'b'));
  });
});
