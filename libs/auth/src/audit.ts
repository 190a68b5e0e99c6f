// The audit record of one RPC (SPEC 4): method, caller, start time, duration, decision and outcome.
import type { Code } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { Identity } from './identity.js';

/** The part of pino's API the audit needs: `log.info({ ...fields }, 'message')`. */
export interface AuditLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export type AuditDecision = 'accepted' | 'refused';

export interface AuditRecord {
  readonly audit: true;
  /** gRPC path, e.g. `/mcp.v1.McpAgentService/Deploy`. */
  readonly rpc: string;
  readonly caller: string | null;
  readonly account: Identity['account'] | null;
  readonly decision: AuditDecision;
  /** `ok`, or the Connect code in its wire form (`permission_denied`, `canceled`, …). */
  readonly outcome: string;
  readonly reason?: string;
  /** ISO 8601 start time; pino's own `time` is when the line was written. */
  readonly startedAt: string;
  readonly durationMs: number;
}

export const auditMessage = 'rpc audit';

export function outcomeOf(code: Code | undefined): string {
  return code === undefined ? 'ok' : codeToString(code);
}
