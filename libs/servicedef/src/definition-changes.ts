// The one rule for "has this definition changed?" (master sync, agent SyncDesiredState, `mcp sync --dry-run`):
// compared canonically, what changed, in words. Pure.
import { countedTier } from './counted-tier.js';
import type { ComponentDefinition, ServiceDefinition } from './types.js';

/** JSON with object keys sorted, so that two equal values always give the same text (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// `path` and `[build.images]` only concern the operator's workstation (`mcp build`): nodes do not record them, so
// they never count. `comment` is recorded by nodes but runs nothing: a change of it alone needs no redeploy.
type ComparedServiceKey = 'active' | 'tier' | 'node' | 'snapshot';
const serviceKeys: readonly ComparedServiceKey[] = ['active', 'tier', 'node', 'snapshot'];

/**
 * What a difference is: `comment` (recorded, runs nothing), `component-removed` (a node keeps components a
 * definition leaves out until purged), or `runs` (what runs differs: redeploy).
 */
export type DefinitionChangeKind = 'runs' | 'comment' | 'component-removed';

export interface DefinitionChange {
  readonly kind: DefinitionChangeKind;
  /** In words: `image changed: mcq:v1 -> mcq:v2 (component api)`. */
  readonly text: string;
}
const componentKeys: readonly (keyof ComponentDefinition)[] = [
  'image', 'runtime', 'memoryMb', 'vcpus', 'network', 'user', 'restart', 'ports', 'volumes', 'cmd', 'env', 'routes',
];

function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : canonicalJson(value);
}

function componentChanges(before: ComponentDefinition, after: ComponentDefinition): string[] {
  const changes: string[] = [];
  for (const key of componentKeys) {
    if (canonicalJson(before[key]) === canonicalJson(after[key])) continue;
    const scalar = key === 'image' || key === 'runtime' || key === 'memoryMb' || key === 'vcpus';
    changes.push(
      scalar
        ? `${key} changed: ${shown(before[key])} -> ${shown(after[key])} (component ${after.name})`
        : `${key} changed (component ${after.name})`,
    );
  }
  return changes;
}

/** Every difference that changes what runs, in words (`image changed: mcq:v1 -> mcq:v2 (component api)`); [] when none. */
export function describeChanges(before: ServiceDefinition, after: ServiceDefinition): string[] {
  return definitionChanges(before, after)
    .filter((change) => change.kind !== 'comment')
    .map((change) => change.text);
}

/**
 * Whether a node that recorded `recorded` would record anything new from `sent` (SyncDesiredState is additive:
 * components `sent` leaves out stay recorded, so their absence is no change).
 */
export function isRecordedAs(recorded: ServiceDefinition, sent: ServiceDefinition): boolean {
  return definitionChanges(recorded, sent).every((change) => change.kind === 'component-removed');
}

/** Every difference between two definitions that nodes record, each with its kind. */
export function definitionChanges(before: ServiceDefinition, after: ServiceDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const runs = (text: string): void => void changes.push({ kind: 'runs', text });
  if ((before.comment ?? '') !== (after.comment ?? '')) changes.push({ kind: 'comment', text: 'comment changed' });
  for (const key of serviceKeys) {
    // Node wins over tier: a pinned service's tier is no difference.
    const [was, is] = key === 'tier' ? [countedTier(before), countedTier(after)] : [before[key], after[key]];
    if (canonicalJson(was) === canonicalJson(is)) continue;
    runs(key === 'snapshot' ? 'snapshot changed' : `${key} changed: ${shown(was)} -> ${shown(is)}`);
  }
  const beforeNames = before.components.map((component) => component.name);
  const afterNames = after.components.map((component) => component.name);
  for (const name of afterNames.filter((name) => !beforeNames.includes(name))) runs(`component ${name} added`);
  for (const name of beforeNames.filter((name) => !afterNames.includes(name))) changes.push({ kind: 'component-removed', text: `component ${name} removed` });
  const common = afterNames.filter((name) => beforeNames.includes(name));
  if (canonicalJson(common) !== canonicalJson(beforeNames.filter((name) => afterNames.includes(name)))) runs('components reordered');
  for (const name of common) {
    const old = before.components.find((component) => component.name === name);
    const current = after.components.find((component) => component.name === name);
    if (old !== undefined && current !== undefined) componentChanges(old, current).forEach(runs);
  }
  return changes;
}
