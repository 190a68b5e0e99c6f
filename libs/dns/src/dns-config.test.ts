import { parseConfig, type ConfigProblem } from '@mcp/config';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempDirs } from '@mcp/testing';
import { describe, expect, it } from 'vitest';
import { checkDnsConfig, dnsConfigFields, loadDnsSettings } from './dns-config.js';

const tempDir = useTempDirs('mcp-dns-config');
const schema = { dns: dnsConfigFields() };

function check(dns: Record<string, string>) {
  const text = ['[dns]', ...Object.entries(dns).map(([key, value]) => `${key} = ${JSON.stringify(value)}`)].join('\n');
  const raw = parseConfig(schema, { source: '/etc/mcp/master.toml', text, env: {}, baseDir: '/etc/mcp', homedir: '/root' }).config;
  const problems: ConfigProblem[] = [];
  return { config: checkDnsConfig(raw.dns, '/etc/mcp/master.toml', problems), problems: problems.map((problem) => problem.message) };
}

describe('the [dns] section', () => {
  it('means no DNS when none of its keys is set', () => {
    expect(check({})).toEqual({ config: undefined, problems: [] });
  });

  it('gives a checked config with the zone normalized and the secret file resolved', () => {
    const { config, problems } = check({ driver: 'powerdns', zone: 'Svc.MCP.test.', api_url: 'http://127.0.0.1:8081/', secret_file: 'pdns.key' });
    expect(problems).toEqual([]);
    expect(config).toEqual({ kind: 'powerdns', zone: 'svc.mcp.test', apiUrl: 'http://127.0.0.1:8081', secretPath: '/etc/mcp/pdns.key', caPath: undefined, timeoutMs: 10_000 });
  });

  it('names every missing or wrong key when it is half configured', () => {
    const { config, problems } = check({ driver: 'bind', zone: 'not a zone' });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/^\/etc\/mcp\/master\.toml: dns\.api_url: missing while dns\.driver, dns\.zone are set/),
      expect.stringMatching(/dns\.secret_file: missing/),
      expect.stringMatching(/dns\.driver: got the string "bind"; expected "powerdns" or "mcns"/),
      expect.stringMatching(/dns\.zone: got the string "not a zone"/),
    ]);
  });
});

describe('loadDnsSettings', () => {
  it('reads the secret trimmed, and refuses an empty one naming the file but not a secret', async () => {
    const secretPath = join(await tempDir(), 'key');
    await writeFile(secretPath, 'sekrit\n');
    const base = { kind: 'powerdns' as const, zone: 'svc.mcp.test', apiUrl: 'http://127.0.0.1:1', secretPath, caPath: undefined, timeoutMs: 1000 };
    expect((await loadDnsSettings(base)).secret).toBe('sekrit');
    await writeFile(secretPath, '  \n');
    await expect(loadDnsSettings(base)).rejects.toThrow(`the DNS secret file ${secretPath} (dns.secret_file) is empty`);
  });
});
