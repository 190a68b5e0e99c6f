// Says what any error raised in the master means to a caller (the error interceptor turns it into a code).
import type { ErrorClass } from '@mcp/rpc';
import { ServiceDefError } from '@mcp/servicedef';
import { FleetError } from './fleet-errors.js';
import { UnknownNodeError } from './store/errors.js';

/** Maps the master's and its libraries' typed errors; undefined means unexpected (Internal). */
export function classifyMasterError(error: unknown): ErrorClass | undefined {
  if (error instanceof FleetError) return error.kind;
  if (error instanceof UnknownNodeError) return 'not-found';
  if (error instanceof ServiceDefError) return 'invalid-argument';
  return undefined;
}
