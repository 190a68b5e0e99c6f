// The one restart grammar: what a service definition may say (@mcp/servicedef validates with it) and what both
// backends take (podman's --restart, the VM supervisor): no, always, unless-stopped, on-failure[:N] with
// 1 ≤ N ≤ 99999 retries. One parser, so a definition, a container and a VM accept exactly the same words.

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  readonly name: RestartPolicyName;
  /** Only with on-failure: the most restarts. */
  readonly retries?: number;
}

export const RESTART_POLICY_EXPECTED = 'one of "no", "always", "unless-stopped", "on-failure", "on-failure:<max retries 1-99999>"';

const RESTART = /^(no|always|unless-stopped|on-failure)(?::([1-9]\d{0,4}))?$/;

/** The policy a restart word names; undefined when it is none (a retry count is on-failure's alone). */
export function parseRestartPolicy(text: string): RestartPolicy | undefined {
  const match = RESTART.exec(text);
  const name = match?.[1] as RestartPolicyName | undefined;
  if (name === undefined) return undefined;
  if (match?.[2] === undefined) return { name };
  return name === 'on-failure' ? { name, retries: Number(match[2]) } : undefined;
}
