// Assembles the McpAgentService implementation from handler groups, and derives the agent's capabilities.
import type { ServiceImpl } from '@connectrpc/connect';
import { McpAgentService } from '@mcp/proto';
import type { AgentDeps } from './deps.js';

export type AgentHandlers = Partial<ServiceImpl<typeof McpAgentService>>;

/** Facts about the assembled service that handlers may report (NodeStatus lists capabilities). */
export interface HandlerContext {
  /** Bare names of the RPCs this agent implements, e.g. "Deploy". */
  capabilities(): readonly string[];
}

/** A set of related RPCs (deploy and lifecycle, registry views, files, node facts, …). */
export type HandlerGroup = (deps: AgentDeps, context: HandlerContext) => AgentHandlers;

export interface AssembledHandlers {
  readonly impl: AgentHandlers;
  readonly capabilities: readonly string[];
}

/**
 * Merges the groups (a method defined by two groups is a wiring mistake and throws). An RPC no group implements is
 * answered Unimplemented by Connect and left out of the capabilities.
 */
export function assembleAgentHandlers(deps: AgentDeps, groups: readonly HandlerGroup[]): AssembledHandlers {
  let capabilities: readonly string[] = [];
  const context: HandlerContext = { capabilities: () => capabilities };
  const impl: Record<string, unknown> = {};
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group(deps, context))) {
      if (name in impl) throw new Error(`agent handlers: ${name} is defined by two handler groups`);
      impl[name] = handler;
    }
  }
  const implemented = new Set(Object.keys(impl));
  capabilities = Object.freeze(
    McpAgentService.methods.filter((method) => implemented.has(method.localName)).map((method) => method.name),
  );
  return { impl: impl as AgentHandlers, capabilities };
}
