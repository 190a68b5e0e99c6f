// What a service data archive may hold, checked on export (leave out) and on import (refuse): one rule for both.

/**
 * Why a symlink target is not allowed, or undefined when it is. Targets must be relative and never climb
 * ("..."): a link then points into its own directory or below, and no chain of such links leads out of the
 * service directory, whatever the directories it passes through.
 */
export function symlinkTargetProblem(target: string): string | undefined {
  if (target === '') return 'is empty';
  if (target.includes('\0')) return 'contains a NUL byte';
  if (target.startsWith('/')) return 'is absolute: a link must stay inside the service directory';
  if (target.split('/').includes('..')) return 'climbs with "..": a link must point into its own directory or below';
  return undefined;
}
