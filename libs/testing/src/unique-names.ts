// Names no other test, worker or process will pick, so parallel tests never collide on shared podman state.
import { randomBytes } from 'node:crypto';

const NAME = /^[a-z][a-z0-9-]*$/;
const MAX_LENGTH = 63;
const SUFFIX_LENGTH = 11;

/**
 * `<prefix>-<10 hex>`: valid as an MCP service, component or node name (lower-case, starts with a letter,
 * at most 63 characters). Random rather than a counter: vitest workers share a pid and each has its own counter.
 */
export function uniqueName(prefix = 'test'): string {
  if (!NAME.test(prefix)) {
    throw new Error(`uniqueName: prefix "${prefix}" must be lower-case letters, digits and '-', starting with a letter`);
  }
  const kept = prefix.slice(0, MAX_LENGTH - SUFFIX_LENGTH).replace(/-+$/, '');
  return `${kept}-${randomBytes(5).toString('hex')}`;
}

/** A node label of its own for one test: the runtime then shows the test only its own containers. */
export function uniqueNode(): string {
  return uniqueName('node');
}
