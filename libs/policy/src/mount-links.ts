// Bind mounts judged where they land: a symbolic link inside an allowed root must not lead a mount out of it.
import { realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import { parseVolumeMount } from '@mcp/servicedef';
import type { PolicyService, PolicyViolation } from './check-policy.js';
import { isUnderRoots, mountRootsFor } from './check-policy.js';
import type { DeployPolicy } from './deploy-policy.js';

/** Resolves every symbolic link of an absolute path; parts that do not exist yet are kept as written. */
export type ResolvePath = (path: string) => Promise<string>;

const isMissing = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** The real path of the deepest existing ancestor, followed by the rest as written (podman creates it, or fails). */
export const resolveThroughLinks: ResolvePath = async (path) => {
  let existing = posix.normalize(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return posix.join(await realpath(existing), ...rest);
    } catch (error) {
      if (!isMissing(error) || existing === '/') throw error;
      rest.unshift(posix.basename(existing));
      existing = posix.dirname(existing);
    }
  }
};

/**
 * Bind mounts whose host path is under an allowed root as written but, once symbolic links are resolved, is not
 * under any root resolved the same way. Run after checkDeployPolicy found nothing (it judges the written paths).
 */
export async function checkMountLinks(service: PolicyService, policy: DeployPolicy, resolvePath: ResolvePath = resolveThroughLinks): Promise<PolicyViolation[]> {
  const roots = mountRootsFor(policy, service.name);
  const realRoots = await Promise.all(roots.map(async (root) => (root === '' ? '' : (await resolvePath(root)).replace(/\/+$/, ''))));
  const found: PolicyViolation[] = [];
  for (const [index, component] of service.components.entries()) {
    for (const [volume, text] of component.volumes.entries()) {
      const mount = parseVolumeMount(text);
      if (mount === undefined || !mount.source.startsWith('/') || !isUnderRoots(mount.source, roots)) continue;
      const real = await resolvePath(mount.source);
      if (isUnderRoots(real, realRoots)) continue;
      const keyPath = `components[${index}].volumes[${volume}]`;
      const expected = `a host path under ${roots.map((root) => `${root}/`).join(' or ')} that stays there once symbolic links are followed`;
      found.push({
        keyPath,
        rule: 'policy.mount_roots',
        message: `${keyPath}: ${JSON.stringify(text)} mounts ${JSON.stringify(mount.source)}, which a symbolic link leads to ${JSON.stringify(real)}; expected ${expected} (deploy policy rule policy.mount_roots)`,
      });
    }
  }
  return found;
}
