// The monitor's, alerts' and boot sequence's keys of the agent config: defaults, values, and refusals naming the key.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.js';

const minimal = `
[node]
name = "rift"
[server]
listen = "127.0.0.1:9444"
tls_cert = "agent.pem"
tls_key = "agent.key"
[auth]
token_file = "tokens.toml"
`;

async function load(extra: string, env: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-agent-config-'));
  const file = join(dir, 'agent.toml');
  await writeFile(file, `${minimal}\n${extra}`);
  return { file, config: () => loadAgentConfig({ path: file, env }) };
}

async function problems(extra: string): Promise<{ file: string; lines: string[] }> {
  const { file, config } = await load(extra);
  const error = await config().then(
    () => new Error('expected the config to be refused'),
    (e: unknown) => e as Error,
  );
  return { file, lines: error.message.split('\n') };
}

describe('agent config: monitor, alerts, boot sequence', () => {
  it('defaults to a 10 s sweep, the Go MCP flapping policy, 15 min cooldown, 7 days of events, no command, no boot stages', async () => {
    const config = await (await load('')).config();
    expect(config.monitor).toEqual({
      sweepIntervalMs: 10_000,
      eventRetentionMs: 7 * 24 * 3600_000,
      alerts: { flapping: { windowMs: 600_000, maxTransitions: 3 }, cooldownMs: 900_000, recoverySettleMs: 30_000 },
    });
    expect(config.alerts).toEqual({ command: undefined, timeoutMs: 10_000 });
    expect(config.bootStages).toEqual([]);
  });

  it('reads every monitor and alert key', async () => {
    const { config } = await load(`
[monitor]
sweep_interval_ms = 2000
flap_threshold = 5
flap_window_ms = 60000
recovery_settle_ms = 0
event_retention_hours = 2
[alerts]
command = ["/usr/local/bin/notify", "--channel", "ops; rm -rf /"]
cooldown_ms = 1000
timeout_ms = 3000
`);
    const loaded = await config();
    expect(loaded.monitor).toEqual({
      sweepIntervalMs: 2000,
      eventRetentionMs: 2 * 3600_000,
      alerts: { flapping: { windowMs: 60_000, maxTransitions: 5 }, cooldownMs: 1000, recoverySettleMs: 0 },
    });
    expect(loaded.alerts).toEqual({ command: ['/usr/local/bin/notify', '--channel', 'ops; rm -rf /'], timeoutMs: 3000 });
  });

  it('takes the alert command from MCP_AGENT_ALERTS_COMMAND as a JSON list', async () => {
    const { config } = await load('', { MCP_AGENT_ALERTS_COMMAND: '["/bin/notify","-q"]' });
    expect((await config()).alerts.command).toEqual(['/bin/notify', '-q']);
  });

  it('refuses an alert command that is a shell line or a relative program', async () => {
    const line = await problems('[alerts]\ncommand = "/usr/bin/notify --x"\n');
    expect(line.lines).toEqual([`${line.file}: alerts.command: got the string "/usr/bin/notify --x"; expected a list of strings`]);
    const relative = await problems('[alerts]\ncommand = ["notify", "--x"]\n');
    expect(relative.lines).toEqual([
      `${relative.file}: alerts.command: the program "notify" is not an absolute path; expected an absolute path first, then its arguments`,
    ]);
  });

  it('reads boot stages in order, with their check targets and defaults', async () => {
    const { config } = await load(`
[[boot.stages]]
name = "core"
services = ["mcns", "metacrypt"]
check = "tcp"
target = "127.0.0.1:53"
[[boot.stages]]
name = "api"
services = ["gateway"]
check = "http"
target = "http://127.0.0.1:8080/healthz"
timeout_ms = 2000
retry_interval_ms = 500
wait_ms = 10000
[[boot.stages]]
name = "rpc"
check = "grpc"
target = "http://[::1]:9443"
`);
    const stages = (await config()).bootStages;
    expect(stages.map((stage) => [stage.name, stage.services, stage.timeoutMs, stage.retryIntervalMs, stage.waitMs])).toEqual([
      ['core', ['mcns', 'metacrypt'], 5000, 1000, 60_000],
      ['api', ['gateway'], 2000, 500, 10_000],
      ['rpc', [], 5000, 1000, 60_000],
    ]);
    expect(stages.map((stage) => stage.target)).toEqual([
      { kind: 'tcp', host: '127.0.0.1', port: 53 },
      { kind: 'http', url: new URL('http://127.0.0.1:8080/healthz') },
      { kind: 'grpc', host: '::1', port: 9443, tls: false },
    ]);
  });

  it('refuses a bad stage naming its index and key', async () => {
    const { file, lines } = await problems(`
[[boot.stages]]
name = "core"
services = ["Bad Name"]
check = "tcp"
target = "localhost"
[[boot.stages]]
name = "web"
check = "http"
target = "ftp://x"
`);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}: boot.stages[0].services: "Bad Name" is not a service name; expected lower-case letters, digits and '-', starting with a letter`,
        expect.stringMatching(new RegExp(`^${file}: boot\\.stages\\[0\\]\\.target: "localhost": .*; expected host:port$`)),
        `${file}: boot.stages[1].target: "ftp://x" is not http or https; expected an http:// or https:// URL`,
      ]),
    );
  });

  it('refuses a check kind it does not know', async () => {
    const { file, lines } = await problems('[[boot.stages]]\nname = "odd"\ncheck = "ping"\ntarget = "x:1"\n');
    expect(lines).toEqual([`${file}: boot.stages[0].check: got the string "ping"; expected one of "tcp", "grpc", "http"`]);
  });

  it('refuses a sweep interval below its minimum', async () => {
    const { file, lines } = await problems('[monitor]\nsweep_interval_ms = 5\n');
    expect(lines).toEqual([`${file}: monitor.sweep_interval_ms: got number 5; expected a whole number from 100 to 9007199254740991`]);
  });
});
