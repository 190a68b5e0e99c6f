// The node's deploy policy at the agent's door: a definition that breaks it is refused before anything is pulled,
// allocated or created; the containers of what it admits get the policy's limits and safe mount options.
import { checkDeployPolicy, checkMountLinks, type DeployPolicy, type PolicyViolation } from '@mcp/policy';
import type { ServiceSpec } from '@mcp/registry';
import type { VolumeMount } from '@mcp/runtime';
import { deployPolicyOf, type AgentDeps } from './deps.js';
import { InvalidArgumentError } from './errors.js';

/** A definition asks what this node's policy refuses; lists every breach, each named by its request field. */
export class DeployPolicyError extends InvalidArgumentError {
  readonly violations: readonly PolicyViolation[];

  constructor(field: string, violations: readonly PolicyViolation[], value: unknown) {
    const first = violations[0];
    super({
      field: first === undefined ? field : `${field}.${first.keyPath}`,
      value,
      problem: 'breaks the deploy policy of this node',
      expected: 'a definition the node\'s [policy] admits',
    });
    this.name = 'DeployPolicyError';
    this.violations = violations;
    this.message = violations.map((violation) => `${field}.${violation.message}`).join('\n');
  }
}

/** Throws DeployPolicyError when `spec` (found at `field` of the request) breaks the node's policy. */
export async function enforceDeployPolicy(deps: Pick<AgentDeps, 'policy' | 'files'>, spec: ServiceSpec, field: string): Promise<void> {
  const policy = deployPolicyOf(deps);
  const written = checkDeployPolicy(spec, policy);
  const violations = written.length > 0 ? written : await checkMountLinks(spec, policy);
  if (violations.length > 0) throw new DeployPolicyError(field, violations, spec.name);
}

/** podman's bind mounts allow set-uid files and device nodes unless told otherwise; the policy decides. */
export function hardenedMount(policy: DeployPolicy, mount: VolumeMount): VolumeMount {
  if (!mount.source.startsWith('/')) return mount;
  const allowed = policy.mountOptions;
  const added = [
    ...(allowed.includes('suid') || mount.options.includes('nosuid') ? [] : ['nosuid']),
    ...(allowed.includes('dev') || mount.options.includes('nodev') ? [] : ['nodev']),
  ];
  return added.length === 0 ? mount : { ...mount, options: [...mount.options, ...added] };
}
