// Gate for tests that need a real runtime: skip with the reason on a laptop without it, fail in CI that requires it.

/** What a runtime's probe() answers (structurally the same as @mcp/runtime's ProbeResult). */
export interface ProbeLike {
  readonly available: boolean;
  readonly version?: string;
  readonly reason?: string;
}

/** Runtimes named in MCP_REQUIRE_RUNTIME (comma list, e.g. "podman,qemu"), lower-cased. */
export function requiredRuntimes(value: string | undefined = process.env.MCP_REQUIRE_RUNTIME): string[] {
  return (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

export class RequiredRuntimeMissingError extends Error {
  override readonly name = 'RequiredRuntimeMissingError';
  readonly runtime: string;
  readonly reason: string;

  constructor(runtime: string, reason: string) {
    super(`${runtime} is required here (MCP_REQUIRE_RUNTIME) but unavailable: ${reason}`);
    this.runtime = runtime;
    this.reason = reason;
  }
}

/**
 * Probes the runtime. Available: undefined. Unavailable: the reason to skip with, unless `name` is
 * required (MCP_REQUIRE_RUNTIME), in which case it throws, so the skip becomes a failure.
 * Use as `const skip = await requireRuntime('podman', probe); describe.skipIf(skip !== undefined)(…)`.
 */
export async function requireRuntime(
  name: string,
  probe: () => Promise<ProbeLike>,
  required: readonly string[] = requiredRuntimes(),
): Promise<string | undefined> {
  let result: ProbeLike;
  try {
    result = await probe();
  } catch (error) {
    result = { available: false, reason: `probe failed: ${(error as Error).message}` };
  }
  if (result.available) return undefined;
  const reason = result.reason ?? 'the probe gave no reason';
  if (required.includes(name.toLowerCase())) throw new RequiredRuntimeMissingError(name, reason);
  return `${name} unavailable: ${reason}`;
}
