// Assembles the McpMasterService implementation from handler groups (node RPCs, fleet operations, …).
import type { ServiceImpl } from '@connectrpc/connect';
import { McpMasterService } from '@mcp/proto';
import type { MasterDeps } from './deps.js';

export type MasterHandlers = Partial<ServiceImpl<typeof McpMasterService>>;

/** A set of related RPCs (Register/Heartbeat/ListNodes, Deploy/Undeploy/Status/Sync, …). */
export type HandlerGroup = (deps: MasterDeps) => MasterHandlers;

export interface AssembledHandlers {
  readonly impl: MasterHandlers;
  /** Bare names of the RPCs the groups implement ("Register"); the deferred ones are not listed. */
  readonly implemented: readonly string[];
}

/**
 * Merges the groups (a method defined by two groups is a wiring mistake and throws); `deferred` answers
 * the RPCs of features this master version does not have yet.
 */
export function assembleMasterHandlers(
  deps: MasterDeps,
  groups: readonly HandlerGroup[],
  deferred: HandlerGroup,
): AssembledHandlers {
  const impl: Record<string, unknown> = {};
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group(deps))) {
      if (name in impl) throw new Error(`master handlers: ${name} is defined by two handler groups`);
      impl[name] = handler;
    }
  }
  const present = new Set(Object.keys(impl));
  const implemented = Object.freeze(
    McpMasterService.methods.filter((method) => present.has(method.localName)).map((method) => method.name),
  );
  for (const [name, handler] of Object.entries(deferred(deps))) {
    if (!(name in impl)) impl[name] = handler;
  }
  return { impl: impl as MasterHandlers, implemented };
}
