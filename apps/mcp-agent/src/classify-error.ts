// Says what any error raised in the agent means to a caller (the error interceptor turns it into a code).
import type { ErrorClass } from '@mcp/rpc';
import {
  ConflictError as RegistryConflictError,
  NotFoundError as RegistryNotFoundError,
  PortsExhaustedError,
} from '@mcp/registry';
import { RuntimeError, type RuntimeErrorKind } from '@mcp/runtime';
import { ServiceDefError } from '@mcp/servicedef';
import { ProxyError, type ProxyErrorKind } from '@mcp/proxy';
import { AcmeError } from '@mcp/acme';
import { AgentError, type AgentErrorKind } from './errors.js';

const agentKinds: Record<AgentErrorKind, ErrorClass> = {
  'invalid-argument': 'invalid-argument',
  'not-found': 'not-found',
  'already-exists': 'already-exists',
  'too-large': 'resource-exhausted',
  'failed-precondition': 'failed-precondition',
  unavailable: 'unavailable',
};

const runtimeKinds: Record<RuntimeErrorKind, ErrorClass | undefined> = {
  'not-found': 'not-found',
  conflict: 'already-exists',
  'wrong-state': 'failed-precondition',
  'invalid-argument': 'invalid-argument',
  unavailable: 'unavailable',
  // A backend operation that failed for its own reasons: its message is already for people.
  failed: 'failed-precondition',
};

const proxyKinds: Record<ProxyErrorKind, ErrorClass> = {
  'invalid-route': 'invalid-argument',
  unreachable: 'unavailable',
  process: 'unavailable',
  refused: 'failed-precondition',
  config: 'failed-precondition',
};

/** Maps the agent's and its libraries' typed errors; undefined means unexpected (Internal). */
export function classifyAgentError(error: unknown): ErrorClass | undefined {
  if (error instanceof AgentError) return agentKinds[error.kind];
  if (error instanceof ServiceDefError) return 'invalid-argument';
  if (error instanceof RegistryNotFoundError) return 'not-found';
  if (error instanceof RegistryConflictError) return 'already-exists';
  if (error instanceof PortsExhaustedError) return 'resource-exhausted';
  if (error instanceof RuntimeError) return runtimeKinds[error.kind];
  if (error instanceof ProxyError) return proxyKinds[error.kind];
  // The CA refused or could not be reached: its reason is already in the message.
  if (error instanceof AcmeError) return 'failed-precondition';
  return undefined;
}
