// Drives the built `mcp` as an operator would: `mcp validate` on the example definitions and on broken files.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'apps/mcp/bin/mcp.js');
const examplesDir = join(repo, 'examples/services');

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let home: string;

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, HOME: home, MCP_CONFIG: '', ...env };
    execFile(command, [...args], { cwd: repo, env: childEnv }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') return reject(error);
      resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const mcp = (args: readonly string[], env?: Record<string, string>) => run(process.execPath, [bin, ...args], env);

// Rebuild when the bundle is missing or older than any source it is made from, so no test runs a stale CLI.
async function newestSourceMs(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

async function ensureBuilt(): Promise<void> {
  const bundleMs = await stat(join(repo, 'apps/mcp/dist/main.js')).then((info) => info.mtimeMs, () => 0);
  const sourceMs = Math.max(await newestSourceMs(join(repo, 'apps/mcp/src')), await newestSourceMs(join(repo, 'libs')));
  if (bundleMs > sourceMs) return;
  const build = await run(process.execPath, ['scripts/build-app.mjs', 'apps/mcp']);
  if (build.exitCode !== 0) throw new Error(`building apps/mcp failed:\n${build.stderr}`);
}

async function exampleFiles(): Promise<string[]> {
  const names = (await readdir(examplesDir)).filter((name) => name.endsWith('.toml')).sort();
  if (names.length === 0) throw new Error(`no example definitions in ${examplesDir}`);
  return names.map((name) => `examples/services/${name}`);
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mcp-e2e-validate-'));
  await ensureBuilt();
}, 120_000);

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('mcp validate on the example definitions', () => {
  it('accepts each example file given by path', async () => {
    const files = await exampleFiles();
    const { exitCode, stdout, stderr } = await mcp(['validate', ...files]);
    expect([exitCode, stderr]).toEqual([0, '']);
    expect(files.filter((file) => !new RegExp(`^${escape(file)}\\s+\\S+\\s+ok$`, 'm').test(stdout))).toEqual([]);
  });

  it('accepts the whole examples dir as the configured services dir', async () => {
    const config = join(home, 'mcp.toml');
    await writeFile(config, `[services]\ndir = "${examplesDir}"\n`);
    const { exitCode, stdout } = await mcp(['validate', '--json'], { MCP_CONFIG: config });
    const document = JSON.parse(stdout) as { valid: boolean; files: unknown[] };
    expect([exitCode, document.valid, document.files.length]).toEqual([0, true, (await exampleFiles()).length]);
  });

  it('runs as `mcp` from the workspace bin link (what `pnpm exec mcp` runs)', async () => {
    const [file = ''] = await exampleFiles();
    const { exitCode, stdout } = await run(join(repo, 'node_modules/.bin/mcp'), ['validate', file]);
    expect([exitCode, stdout.split('\n')[1]?.startsWith(file)]).toEqual([0, true]);
  });
});

describe('mcp validate on broken definitions', () => {
  async function writeBroken(name: string, text: string): Promise<string> {
    const file = join(home, `${name}.toml`);
    await writeFile(file, text);
    return file;
  }

  it('exits 2 and names the file, key path and line of every problem', async () => {
    const file = await writeBroken(
      'shop',
      'name = "shop"\ntier = "gold"\n\n[[components]]\nname = "web"\nimage = "localhost/web:1"\n\n[[components.routes]]\nport = 99999\nmode = "l7"\n',
    );
    const { exitCode, stderr } = await mcp(['validate', file]);
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${escape(file)}: tier: .*; expected .*"core".* \\(line 2\\)$`)),
      expect.stringMatching(new RegExp(`^${escape(file)}: components\\[0\\]\\.routes\\[0\\]\\.port: .* \\(line 9\\)$`)),
    ]);
  });

  it('reports a TOML syntax error with the file and line', async () => {
    const file = await writeBroken('typo', 'name = "typo"\n[[components]\nname = "x"\n');
    const { exitCode, stderr } = await mcp(['validate', file]);
    expect([exitCode, stderr]).toEqual([2, expect.stringMatching(new RegExp(`^${escape(file)}: .*\\(line 2\\)\\n$`))]);
  });

  it('prints the problems as a JSON document with --json', async () => {
    const file = await writeBroken('solo', 'name = "other"\n[[components]]\nname = "x"\nimage = "localhost/x:1"\n');
    const { exitCode, stdout } = await mcp(['validate', '--json', file]);
    expect([exitCode, JSON.parse(stdout)]).toEqual([
      2,
      {
        valid: false,
        files: [{ file, service: 'solo', valid: false, problems: [expect.objectContaining({ file, keyPath: 'name' })], warnings: [] }],
      },
    ]);
  });

  it('exits 2 naming the path looked at for a service with no definition', async () => {
    const { exitCode, stderr } = await mcp(['validate', 'ghost']);
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining(`${join(home, '.config/mcp/services/ghost.toml')}: no definition for service "ghost"`)]);
  });
});

describe('mcp as a program', () => {
  it('prints the version stamped into the bundle', async () => {
    const { version } = JSON.parse(await readFile(join(repo, 'apps/mcp/package.json'), 'utf8')) as { version: string };
    expect(await mcp(['--version'])).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 2 with the message on a usage error', async () => {
    const { exitCode, stderr } = await mcp(['launch']);
    expect(exitCode).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(/^mcp: Unknown command: launch; expected one of: validate, deploy, .*\bnode\b/);
  });
});
