// The restart grammar both backends take (podman's --restart, the VM supervisor): no, always, unless-stopped,
// on-failure[:N] with N ≥ 1 retries. One parser, so a container and a VM accept exactly the same words.

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  readonly name: RestartPolicyName;
  /** Only with on-failure: the most restarts. */
  readonly retries?: number;
}

export const RESTART_POLICY_EXPECTED = 'no, always, unless-stopped or on-failure[:N] (N ≥ 1)';

const RESTART = /^(no|always|unless-stopped|on-failure)(?::([1-9]\d*))?$/;

/** The policy a restart word names; undefined when it is none (a retry count is on-failure's alone). */
export function parseRestartPolicy(text: string): RestartPolicy | undefined {
  const match = RESTART.exec(text);
  const name = match?.[1] as RestartPolicyName | undefined;
  if (name === undefined) return undefined;
  if (match?.[2] === undefined) return { name };
  return name === 'on-failure' ? { name, retries: Number(match[2]) } : undefined;
}
