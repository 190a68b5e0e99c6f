// Where `mcp dev up` finds the daemons it starts: the built bundles of mcp-master and mcp-agent in the same
// checkout as this CLI (apps/<program>/bin/<program>.js, which loads apps/<program>/dist/main.js).
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, exitCodes } from '../errors.js';

export interface DaemonPrograms {
  /** Path of bin/mcp-master.js. */
  readonly master: string;
  /** Path of bin/mcp-agent.js. */
  readonly agent: string;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** The checkout holding `from`: the nearest directory above it with apps/mcp-master and apps/mcp-agent. */
async function findCheckout(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = dirname(dir)) {
    if ((await isFile(join(dir, 'apps/mcp-master/bin/mcp-master.js'))) && (await isFile(join(dir, 'apps/mcp-agent/bin/mcp-agent.js')))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The daemons next to this CLI (`from` defaults to this module's directory: apps/mcp/dist/chunks in the bundle,
 * apps/mcp/src/local-fleet under tests). A missing bundle says what to build (exit 1).
 */
export async function locateDaemonPrograms(from: string = dirname(fileURLToPath(import.meta.url))): Promise<DaemonPrograms> {
  const checkout = await findCheckout(from);
  if (checkout === undefined) {
    throw new CliError(
      'failed',
      `cannot find mcp-master and mcp-agent next to this mcp (looked for apps/mcp-master/bin/mcp-master.js in ${from} and the directories above it); ` +
        'mcp dev up runs the programs of an MCP checkout: run the mcp of that checkout (pnpm exec mcp, or node apps/mcp/bin/mcp.js)',
      exitCodes.failed,
    );
  }
  const missing: string[] = [];
  for (const program of ['mcp-master', 'mcp-agent']) {
    if (!(await isFile(join(checkout, 'apps', program, 'dist/main.js')))) missing.push(program);
  }
  if (missing.length > 0) {
    throw new CliError(
      'failed',
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not built (no ${missing.map((program) => `apps/${program}/dist/main.js`).join(', ')} in ${checkout}); ` +
        `build ${missing.length === 1 ? 'it' : 'them'} first: cd ${checkout} && pnpm exec nx run-many -t build (or node scripts/build-app.mjs apps/<program>)`,
      exitCodes.failed,
    );
  }
  return { master: join(checkout, 'apps/mcp-master/bin/mcp-master.js'), agent: join(checkout, 'apps/mcp-agent/bin/mcp-agent.js') };
}
