// The audit record of one RPC (SPEC 4): method, caller, start time, duration, decision and outcome.
import type { Code } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { CallPeer } from './authenticate.js';
import type { Clock } from './clock.js';
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
  /** Remote address of the connection; null when the transport did not say (in-process tests). */
  readonly peer: string | null;
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

/** Writes one audit record; shared by the gate (refusals) and the interceptor (outcomes). */
export function auditWriter(log: AuditLogger, clock: Clock) {
  return (input: {
    service: string;
    method: string;
    caller: Identity | undefined;
    peer: CallPeer | undefined;
    startedMs: number;
    decision: AuditDecision;
    code: Code | undefined;
    reason?: string;
  }): void => {
    const record: AuditRecord = {
      audit: true,
      rpc: `/${input.service}/${input.method}`,
      caller: input.caller?.name ?? null,
      peer: input.peer?.address ?? null,
      account: input.caller?.account ?? null,
      decision: input.decision,
      outcome: outcomeOf(input.code),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      startedAt: new Date(input.startedMs).toISOString(),
      durationMs: Math.max(0, clock.now() - input.startedMs),
    };
    log.info({ ...record }, auditMessage);
  };
}
