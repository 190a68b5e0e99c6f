// Whether a definition changed since it was deployed, compared canonically, and what changed, in words (pure).
import type { ComponentDefinition, ServiceDefinition } from '@mcp/servicedef';

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

// What nodes run: `comment`, `path` and `[build.images]` only concern the operator's workstation, so changing
// them alone does not redeploy (a redeploy replaces the containers).
type ComparedServiceKey = 'active' | 'tier' | 'node' | 'snapshot';
const serviceKeys: readonly ComparedServiceKey[] = ['active', 'tier', 'node', 'snapshot'];
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

/** Every difference that matters to a node, in words (`image changed: mcq:v1 -> mcq:v2 (component api)`); [] when none. */
export function describeChanges(before: ServiceDefinition, after: ServiceDefinition): string[] {
  const changes: string[] = [];
  for (const key of serviceKeys) {
    if (canonicalJson(before[key]) === canonicalJson(after[key])) continue;
    changes.push(key === 'snapshot' ? 'snapshot changed' : `${key} changed: ${shown(before[key])} -> ${shown(after[key])}`);
  }
  const beforeNames = before.components.map((component) => component.name);
  const afterNames = after.components.map((component) => component.name);
  for (const name of afterNames.filter((name) => !beforeNames.includes(name))) changes.push(`component ${name} added`);
  for (const name of beforeNames.filter((name) => !afterNames.includes(name))) changes.push(`component ${name} removed`);
  const common = afterNames.filter((name) => beforeNames.includes(name));
  if (canonicalJson(common) !== canonicalJson(beforeNames.filter((name) => afterNames.includes(name)))) changes.push('components reordered');
  for (const name of common) {
    const old = before.components.find((component) => component.name === name);
    const current = after.components.find((component) => component.name === name);
    if (old !== undefined && current !== undefined) changes.push(...componentChanges(old, current));
  }
  return changes;
}
