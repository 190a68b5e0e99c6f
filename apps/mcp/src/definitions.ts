// Finds and loads the service definitions named on a command line (file paths or service names).
import {
  definitionOrThrow,
  loadDefinitionDir,
  parseDefinition,
  resolveDefinitionPath,
  type DefinitionProblem,
  type DefinitionResult,
  type ServiceDefinition,
} from '@mcp/servicedef';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CliError, exitCodes } from './errors.js';

export interface DefinitionLookup {
  /** The configured `[services] dir` (absolute). */
  readonly servicesDir: string;
  /** Relative file paths on the command line resolve against this directory. */
  readonly cwd: string;
}

/**
 * Loads one definition named on the command line. A path (contains "/" or ends in .toml) is read
 * as given and reported under the name the operator typed; a bare name is `<services dir>/<name>.toml`.
 * A file that cannot be read is a problem in the result, like any other, so every target is reported.
 */
export async function loadDefinitionTarget(target: string, lookup: DefinitionLookup): Promise<DefinitionResult> {
  const file = resolveDefinitionPath(lookup.servicesDir, target);
  const isServiceName = file !== target;
  let text: string;
  try {
    text = await readFile(resolve(lookup.cwd, file), 'utf8');
  } catch (error) {
    return { ok: false, file, problems: [unreadableProblem(file, error, isServiceName ? target : undefined, lookup)] };
  }
  return parseDefinition(text, file);
}

/** A valid definition and the file it came from. */
export interface LoadedDefinition {
  readonly file: string;
  readonly definition: ServiceDefinition;
}

/** The definition of `service`; a missing or invalid file throws a ServiceDefError listing every problem. */
export async function loadServiceDefinition(service: string, lookup: DefinitionLookup): Promise<LoadedDefinition> {
  const result = await loadDefinitionTarget(service, lookup);
  return { file: result.file, definition: definitionOrThrow(result) };
}

/** Like loadServiceDefinition, but a service without a file is undefined (undeploy, logs… need none). */
export async function findServiceDefinition(service: string, lookup: DefinitionLookup): Promise<LoadedDefinition | undefined> {
  const file = resolve(lookup.cwd, resolveDefinitionPath(lookup.servicesDir, service));
  const exists = await stat(file).then(
    () => true,
    (error: unknown) => !(error instanceof Error && 'code' in error && error.code === 'ENOENT'),
  );
  return exists ? loadServiceDefinition(service, lookup) : undefined;
}

/** Loads every definition in the services dir; a missing dir is bad input (exit 2) naming it. */
export async function loadServicesDir(servicesDir: string): Promise<DefinitionResult[]> {
  const isDirectory = await stat(servicesDir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new CliError(
      'not_found',
      `services dir ${servicesDir} does not exist; expected a directory of <service>.toml files (set [services] dir in the CLI config)`,
      exitCodes.badInput,
    );
  }
  return loadDefinitionDir(servicesDir);
}

/** The service a result is about: its name when it parsed, else the file's stem. */
export function serviceOf(result: DefinitionResult): string {
  return result.ok ? result.definition.name : basename(result.file).replace(/\.toml$/, '');
}

function unreadableProblem(
  file: string,
  error: unknown,
  service: string | undefined,
  lookup: DefinitionLookup,
): DefinitionProblem {
  const notFound = error instanceof Error && 'code' in error && error.code === 'ENOENT';
  const expected =
    service === undefined ? 'a readable service definition file' : `${service}.toml in the services dir ${lookup.servicesDir}`;
  const problem =
    service !== undefined && notFound
      ? `no definition for service "${service}"`
      : notFound
        ? 'file not found'
        : `cannot read file (${error instanceof Error ? error.message : String(error)})`;
  return { file, keyPath: '', expected, message: `${file}: ${problem}; expected ${expected}` };
}
