// The part of a definition a node records: the one place that says `path` and `[build.images]` stay on the CLI's side.
import type { RecordedDefinition, ServiceDefinition } from './types.js';

/** `definition` without `path` and `buildImages` (a shallow copy: the rest is shared). */
export function recordedDefinition(definition: ServiceDefinition): RecordedDefinition {
  const recorded: Partial<ServiceDefinition> & RecordedDefinition = { ...definition };
  delete recorded.path;
  delete recorded.buildImages;
  return recorded;
}
