// The CLI's error types and the one place that maps anything thrown to a message, code and exit code.
import { Code, type ConnectError } from '@connectrpc/connect';
import { ConfigError } from '@mcp/config';
import { DevFleetError } from '@mcp/dev-fleet';
import { ServiceDefError } from '@mcp/servicedef';
import { TlsError } from '@mcp/tls';

/** Exit codes of `mcp` (SPEC 5): success, the operation failed, bad input or usage. */
export const exitCodes = { ok: 0, failed: 1, badInput: 2 } as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Machine-readable error codes, printed as `{"error":{"code",...}}` under --json. */
export type FailureCode =
  | 'usage'
  | 'config'
  | 'not_found'
  | 'invalid_input'
  | 'unauthenticated'
  | 'permission_denied'
  | 'unavailable'
  | 'unimplemented'
  | 'failed'
  | 'internal';

/** What the renderer prints for an error, and how the process exits. */
export interface Failure {
  readonly code: FailureCode;
  readonly message: string;
  readonly exitCode: ExitCode;
  /** One more line for people (never in --json output), e.g. where to find usage. */
  readonly hint?: string;
}

/** An error the CLI expects and knows how to explain; its message is shown as is. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Where an agent call went: the node's name and address from `[[nodes]]`, and the RPC's name. */
export interface CallTarget {
  readonly node: string;
  readonly address: string;
  /** Bare RPC name, e.g. "Deploy". */
  readonly rpc: string;
}

/** A call to an agent failed with a Connect code; toFailure turns it into a message naming the node. */
export class AgentCallError extends Error {
  override readonly name = 'AgentCallError';
  constructor(
    readonly target: CallTarget,
    readonly connectError: ConnectError,
  ) {
    super(`${target.rpc} on node ${target.node} (${target.address}): ${connectError.message}`, { cause: connectError });
  }
}

/** A call to mcp-master failed with a Connect code; toFailure turns it into a message naming the master. */
export class MasterCallError extends Error {
  override readonly name = 'MasterCallError';
  constructor(
    /** The master's "host:port" from `[master] address`. */
    readonly address: string,
    /** Bare RPC name, e.g. "Deploy". */
    readonly rpc: string,
    readonly connectError: ConnectError,
  ) {
    super(`${rpc} on mcp-master (${address}): ${connectError.message}`, { cause: connectError });
  }
}

/** The agent's NodeStatus does not list RPCs this command needs (an older agent: SPEC 10, failure 9). */
export class AgentLacksError extends Error {
  override readonly name = 'AgentLacksError';
  constructor(
    readonly node: string,
    readonly address: string,
    readonly agentVersion: string,
    readonly missing: readonly string[],
  ) {
    const version = agentVersion === '' ? 'an mcp-agent of unknown version' : `mcp-agent ${agentVersion}`;
    super(
      `node ${node} (${address}) runs ${version}, which lacks ${missing.join(', ')}; upgrade mcp-agent on ${node} to use this command`,
    );
  }
}

/** A command line yargs refused (unknown command or option, missing argument). */
export function usageFailure(message: string): Failure {
  return { code: 'usage', message, exitCode: exitCodes.badInput, hint: 'Run "mcp --help" for usage.' };
}

/** Normalises anything a command threw into what the renderer prints (compare ConnectError.from). */
export function toFailure(error: unknown): Failure {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof AgentCallError) return agentCallFailure(error.target, error.connectError);
  if (error instanceof MasterCallError) return masterCallFailure(error);
  if (error instanceof AgentLacksError) {
    return { code: 'unimplemented', message: error.message, exitCode: exitCodes.failed };
  }
  if (error instanceof ServiceDefError) {
    return { code: 'invalid_input', message: error.message, exitCode: exitCodes.badInput };
  }
  if (error instanceof DevFleetError) {
    return { code: 'invalid_input', message: error.message, exitCode: exitCodes.badInput };
  }
  if (error instanceof ConfigError || error instanceof TlsError) {
    return { code: 'config', message: error.message, exitCode: exitCodes.badInput };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `unexpected error: ${message}`, exitCode: exitCodes.failed };
}

// Refusals of what was sent (credentials, rights, input) are bad input; everything else is a failed operation.
function agentCallFailure(target: CallTarget, error: ConnectError): Failure {
  const node = `node ${target.node} (${target.address})`;
  const tlsCode = tlsVerificationCode(error.cause);
  if (tlsCode !== undefined) {
    return {
      code: 'unavailable',
      message: `${node}: its certificate does not verify against the configured CA (${error.rawMessage}, ${tlsCode}); check [tls] ca_cert and the node's certificate`,
      exitCode: exitCodes.failed,
    };
  }
  const said = error.rawMessage;
  const bad = (code: FailureCode, message: string): Failure => ({ code, message, exitCode: exitCodes.badInput });
  const failed = (code: FailureCode, message: string): Failure => ({ code, message, exitCode: exitCodes.failed });
  switch (error.code) {
    case Code.Unauthenticated:
      return bad('unauthenticated', `${node} refused the token for ${target.rpc}: ${said}; run "mcp login" for a fresh token`);
    case Code.PermissionDenied:
      return bad('permission_denied', `${node} does not allow ${target.rpc} for this token: ${said}`);
    case Code.InvalidArgument:
      return bad('invalid_input', `${node} refused ${target.rpc}: ${said}`);
    case Code.NotFound:
      return bad('not_found', `${node}: ${said}`);
    case Code.Unavailable:
      return failed('unavailable', `cannot reach node ${target.node} at ${target.address} (${target.rpc}): ${said}`);
    case Code.DeadlineExceeded:
      return failed('unavailable', `node ${target.node} at ${target.address} did not answer ${target.rpc} in time: ${said}`);
    case Code.Unimplemented:
      return failed('unimplemented', `${node} does not implement ${target.rpc} (${said}); upgrade mcp-agent on ${target.node}`);
    default:
      return failed('failed', `${target.rpc} failed on ${node}: ${said} [${Code[error.code]}]`);
  }
}

// The master's refusals of what was sent are bad input; "cannot place" (FailedPrecondition), an unreachable master
// or hosting agent (Unavailable: the message says which) and everything else are failed operations.
function masterCallFailure(error: MasterCallError): Failure {
  const master = `mcp-master (${error.address})`;
  const { rpc, connectError } = error;
  const tlsCode = tlsVerificationCode(connectError.cause);
  if (tlsCode !== undefined) {
    return {
      code: 'unavailable',
      message: `${master}: its certificate does not verify against the configured CA (${connectError.rawMessage}, ${tlsCode}); check [tls] ca_cert and the master's certificate`,
      exitCode: exitCodes.failed,
    };
  }
  const said = connectError.rawMessage;
  const bad = (code: FailureCode, message: string): Failure => ({ code, message, exitCode: exitCodes.badInput });
  const failed = (code: FailureCode, message: string): Failure => ({ code, message, exitCode: exitCodes.failed });
  switch (connectError.code) {
    case Code.Unauthenticated:
      return bad('unauthenticated', `${master} refused the token for ${rpc}: ${said}; run "mcp login" for a fresh token`);
    case Code.PermissionDenied:
      return bad('permission_denied', `${master} does not allow ${rpc} for this token: ${said}`);
    case Code.InvalidArgument:
      return bad('invalid_input', `${master} refused ${rpc}: ${said}`);
    case Code.NotFound:
      return bad('not_found', `${master}: ${said}`);
    case Code.FailedPrecondition:
      return failed('failed', `${master} could not carry out ${rpc}: ${said}`);
    case Code.Unavailable:
      return failed('unavailable', `${rpc} through ${master} failed: ${said}; if the master itself is down, --direct talks to the agents of [[nodes]]`);
    case Code.DeadlineExceeded:
      return failed('unavailable', `${master} did not answer ${rpc} in time: ${said}`);
    case Code.Unimplemented:
      return failed('unimplemented', `${master} does not implement ${rpc} (${said}); upgrade mcp-master`);
    default:
      return failed('failed', `${rpc} failed on ${master}: ${said} [${Code[connectError.code]}]`);
  }
}

// Node reports a failed certificate check on the socket error's code; Connect wraps it as Internal.
const tlsVerificationCodes = /^(?:ERR_TLS_CERT_ALTNAME_INVALID|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_SELF_SIGNED_)/;

function tlsVerificationCode(cause: unknown): string | undefined {
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' && tlsVerificationCodes.test(code) ? code : undefined;
}
