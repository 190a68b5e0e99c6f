import { create } from '@bufbuild/protobuf';
import { GetServiceStatusResponseSchema } from '@mcp/proto';
import { definitionToProto, parseDefinition } from '@mcp/servicedef';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliSandbox, validDefinition, type CliSandbox } from '../cli-test-harness.js';
import { useFakeFleet } from '../fake-fleet.js';

const fleet = useFakeFleet();

function recorded(name: string) {
  const parsed = parseDefinition(`${validDefinition(name)}\n[build.images]\n"localhost/${name}" = "Dockerfile"\n`, `${name}.toml`);
  if (!parsed.ok) throw new Error('fixture must be valid');
  return { definition: parsed.definition, answer: () => create(GetServiceStatusResponseSchema, { services: [{ name, active: true, spec: definitionToProto(parsed.definition) }] }) };
}

describe('mcp service show', () => {
  it('prints the definition the node recorded as TOML, asking GetServiceStatus for the service', async () => {
    const web = recorded('web');
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: web.answer } }]);
    const { exitCode, stdout } = await f.mcp('service', 'show', 'web');
    expect(f.agent('rift').requests('getServiceStatus')).toEqual([{ service: 'web', eventLimit: 0 }]);
    expect(exitCode).toBe(0);
    const reparsed = parseDefinition(stdout, 'web.toml');
    expect(reparsed).toEqual({ ok: true, file: 'web.toml', definition: web.definition });
  });

  it('prints the recorded spec under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: recorded('web').answer } }]);
    const { stdout } = await f.mcp('service', 'show', 'web', '--json');
    expect(JSON.parse(stdout)).toEqual({ node: 'rift', address: f.agent('rift').address, response: expect.objectContaining({ name: 'web', buildImages: { 'localhost/web': 'Dockerfile' } }) });
  });

  it('says a service the node has not recorded is not deployed (exit 2)', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: () => create(GetServiceStatusResponseSchema, {}) } }]);
    const { exitCode, stderr } = await f.mcp('service', 'show', 'web');
    expect([exitCode, stderr]).toEqual([2, 'mcp: node rift has no recorded definition of service web; deploy it first (mcp deploy web)\n']);
  });
});

describe('mcp service export', () => {
  it('writes the recorded definition to the services dir file, which validates', async () => {
    const web = recorded('web');
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: web.answer } }]);
    const { exitCode, stdout } = await f.mcp('service', 'export', 'web');
    const file = join(f.servicesDir, 'web.toml');
    expect([exitCode, stdout]).toEqual([0, `wrote the definition of web recorded on rift to ${file}\n`]);
    expect(parseDefinition(await readFile(file, 'utf8'), file)).toEqual({ ok: true, file, definition: web.definition });
  });

  it('refuses to replace an existing file without --force, and replaces it with', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: recorded('web').answer } }], { services: { web: `# mine\n${validDefinition('web')}` } });
    const file = join(f.servicesDir, 'web.toml');
    const refused = await f.mcp('service', 'export', 'web');
    expect([refused.exitCode, refused.stderr, await readFile(file, 'utf8')]).toEqual([2, expect.stringContaining('exists; pass --force'), expect.stringMatching(/^# mine\n/)]);
    expect((await f.mcp('service', 'export', 'web', '--force')).exitCode).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('name = "web"');
  });

  it('writes to -o FILE, or to stdout with -o -', async () => {
    const f = await fleet.start([{ name: 'rift', script: { getServiceStatus: recorded('web').answer } }]);
    expect((await f.mcp('service', 'export', 'web', '-o', 'out/web.toml')).exitCode).toBe(0);
    expect(await readFile(join(f.sandbox.root, 'out/web.toml'), 'utf8')).toContain('[build.images]');
    const printed = await f.mcp('service', 'export', 'web', '-o', '-');
    expect(printed.stdout).toBe(await readFile(join(f.sandbox.root, 'out/web.toml'), 'utf8'));
  });
});

describe('mcp service edit', () => {
  let sandbox: CliSandbox;
  let file: string;
  beforeEach(async () => {
    sandbox = await createCliSandbox();
    file = await sandbox.write(`${sandbox.defaultServicesDir}/web.toml`, `# keep me\n${validDefinition('web')}`);
  });
  afterEach(() => sandbox.remove());

  /** An "editor" that runs sed on the file it is given. */
  const sedEditor = (expression: string) => ({ EDITOR: `sed -i '${expression}'` });

  it('saves an edit that validates, comments and all', async () => {
    const { exitCode, stderr } = await sandbox.run(['service', 'edit', 'web'], sedEditor('s/image = "localhost\\/web:1.0"/image = "localhost\\/web:2.0"/'));
    expect([exitCode, stderr]).toEqual([0, `${file}: saved (valid)\n`]);
    expect(await readFile(file, 'utf8')).toMatch(/^# keep me\n[\s\S]*image = "localhost\/web:2.0"/);
  });

  it('keeps the file when the edit is invalid, lists every problem and keeps the edit elsewhere (exit 2)', async () => {
    const before = await readFile(file, 'utf8');
    const { exitCode, stderr } = await sandbox.run(['service', 'edit', 'web'], sedEditor('s/port = 443/port = "443"/'));
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`${file}: components[0].routes[0].port:`);
    const keptIn = /your edit is kept in (\S+)/.exec(stderr)?.[1] ?? '';
    expect(await readFile(keptIn, 'utf8')).toContain('port = "443"');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('prefers VISUAL to EDITOR, and says when nothing changed', async () => {
    const { exitCode, stderr } = await sandbox.run(['service', 'edit', 'web'], { VISUAL: 'true', EDITOR: 'false' });
    expect([exitCode, stderr]).toEqual([0, `${file}: no changes\n`]);
  });

  it('changes nothing when the editor fails (exit 1)', async () => {
    const before = await stat(file);
    const { exitCode, stderr } = await sandbox.run(['service', 'edit', 'web'], { EDITOR: `sh -c 'echo x >> "$0"; exit 3'` });
    expect([exitCode, stderr]).toEqual([1, expect.stringContaining('exited with 3; the definition was not changed')]);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('refuses a service without a file (exit 2)', async () => {
    await writeFile(join(sandbox.defaultServicesDir, 'other.toml'), validDefinition('other'));
    const { exitCode, stderr } = await sandbox.run(['service', 'edit', 'db'], { EDITOR: 'true' });
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining('no definition for service db')]);
  });
});
