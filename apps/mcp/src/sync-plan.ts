// Pure parts of `mcp sync --direct`: which node receives which definition, and what a dry run reports.
import type { ServiceInfo, ServiceSpec } from '@mcp/proto';
import { definitionFromProto, isRecordedAs } from '@mcp/servicedef';
import type { NodeEntry } from './config.js';

export interface SyncDefinition {
  readonly file: string;
  readonly spec: ServiceSpec;
}

export interface NodeAssignment {
  /** Nodes in config order, each with the definitions it receives (nodes that receive none are left out). */
  readonly byNode: readonly { readonly node: NodeEntry; readonly definitions: readonly SyncDefinition[] }[];
  /** Definitions pinned to another node than -n: not sent. */
  readonly skipped: readonly { readonly service: string; readonly node: string }[];
  /** Why a definition has no node; any problem means nothing is sent. */
  readonly problems: readonly string[];
}

/**
 * A definition goes to its `node`; one without goes to -n, else to the only configured node. With -n,
 * definitions pinned elsewhere are skipped (-n narrows a sync to one node; it never moves a service).
 */
export function assignNodes(definitions: readonly SyncDefinition[], nodes: readonly NodeEntry[], flag: string | undefined): NodeAssignment {
  const problems: string[] = [];
  const skipped: { service: string; node: string }[] = [];
  const chosen = new Map<string, SyncDefinition[]>();
  const names = nodes.map((node) => node.name).join(', ');
  const only = nodes.length === 1 ? nodes[0]?.name : undefined;
  for (const definition of definitions) {
    const pinned = definition.spec.node;
    if (pinned !== '' && !nodes.some((node) => node.name === pinned)) {
      problems.push(`${definition.file}: node: "${pinned}" is not configured; expected one of: ${names}`);
      continue;
    }
    if (pinned !== '' && flag !== undefined && pinned !== flag) {
      skipped.push({ service: definition.spec.name, node: pinned });
      continue;
    }
    const target = pinned !== '' ? pinned : (flag ?? only);
    if (target === undefined) {
      problems.push(`${definition.file}: no node key and ${nodes.length} nodes configured; set node = "<name>" in it or pass -n/--node (one of: ${names})`);
      continue;
    }
    chosen.set(target, [...(chosen.get(target) ?? []), definition]);
  }
  const byNode = nodes.flatMap((node) => {
    const sent = chosen.get(node.name);
    return sent === undefined ? [] : [{ node, definitions: sent }];
  });
  return { byNode, skipped, problems };
}

/** `add`: not recorded yet; `update`: recorded differently; `stop`: recorded running, now inactive; `unchanged`. */
export type SyncAction = 'add' | 'update' | 'stop' | 'unchanged';

/** What SyncDesiredState would do on one node, judged from its ListServices answer. */
export function planSync(specs: readonly ServiceSpec[], recorded: readonly ServiceInfo[]): { service: string; action: SyncAction }[] {
  return specs.map((spec) => {
    const known = recorded.find((info) => info.name === spec.name);
    if (known === undefined) return { service: spec.name, action: 'add' };
    if (known.active && !spec.active) return { service: spec.name, action: 'stop' };
    // The agent's own rule (@mcp/servicedef isRecordedAs): path and [build.images] are not recorded, so never count.
    const same =
      known.spec !== undefined && known.active === spec.active && isRecordedAs(definitionFromProto(known.spec), definitionFromProto(spec));
    return { service: spec.name, action: same ? 'unchanged' : 'update' };
  });
}
