import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import {
  HeartbeatResponseSchema,
  McpMasterService,
  RegisterResponseSchema,
  type HeartbeatRequest,
  type RegisterRequest,
} from '@mcp/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MasterRegistration, goArch, nextBackoffMs } from './registration.js';
import { captureLog } from './testing/agent-test-bed.js';

// The master's side is scripted here to drive the agent's retry and heartbeat logic step by step;
// registration against the real mcp-master is covered by the fleet's end-to-end tests.
interface Script {
  registerFailures: number;
  heartbeatIntervalMs?: number;
  registerAgainOnHeartbeat?: number;
}

function scriptedMaster(script: Script) {
  const registers: RegisterRequest[] = [];
  const heartbeats: HeartbeatRequest[] = [];
  const transport = createRouterTransport((router) =>
    router.service(McpMasterService, {
      register(request) {
        registers.push(request);
        if (registers.length <= script.registerFailures) throw new ConnectError('master starting', Code.Unavailable);
        return create(RegisterResponseSchema, {
          accepted: true,
          ...(script.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: durationFromMs(script.heartbeatIntervalMs) }),
        });
      },
      heartbeat(request) {
        heartbeats.push(request);
        return create(HeartbeatResponseSchema, {
          acknowledged: true,
          registerAgain: heartbeats.length === script.registerAgainOnHeartbeat,
        });
      },
    }),
  );
  return { client: createClient(McpMasterService, transport), registers, heartbeats };
}

/** Records each wait; after `limit` waits, parks until stopped, so the test can look at the sequence. */
function recordingSleep(limit: number) {
  const waits: number[] = [];
  const sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    waits.push(ms);
    if (waits.length < limit) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  };
  return { waits, sleep };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await delay(5);
  }
}

function registrationOptions(master: ReturnType<typeof scriptedMaster>, sleep: ReturnType<typeof recordingSleep>['sleep']) {
  return {
    master: master.client,
    node: { name: 'rift', role: 'worker', address: '100.64.0.7:9444' },
    version: '1.2.3',
    arch: 'amd64',
    runtimes: async () => [],
    load: async () => ({ cpuMillicores: 1500, memoryBytes: 2 ** 33, diskBytes: 10 ** 10, containers: 4 }),
    log: captureLog().log,
    sleep,
  } satisfies ConstructorParameters<typeof MasterRegistration>[0];
}

function registration(master: ReturnType<typeof scriptedMaster>, sleep: ReturnType<typeof recordingSleep>['sleep']) {
  return new MasterRegistration(registrationOptions(master, sleep));
}

describe('registration with the master', () => {
  it('backs off 1 s doubling to 60 s', () => {
    const sequence: number[] = [];
    let current: number | undefined;
    for (let i = 0; i < 9; i++) sequence.push((current = nextBackoffMs(current, 1000, 60_000)));
    expect(sequence).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('retries a failed registration with backoff, then heartbeats on the period the master gives', async () => {
    const master = scriptedMaster({ registerFailures: 3, heartbeatIntervalMs: 15_000 });
    const { waits, sleep } = recordingSleep(6);
    const agent = registration(master, sleep);
    agent.start();
    await until(() => waits.length >= 6);
    await agent.stop();
    expect(waits).toEqual([1000, 2000, 4000, 15_000, 15_000, 15_000]);
    expect(master.registers).toHaveLength(4);
    expect(master.heartbeats).toHaveLength(3);
    expect(master.registers[3]).toMatchObject({ name: 'rift', role: 'worker', address: '100.64.0.7:9444', arch: 'amd64', agentVersion: '1.2.3' });
    expect(agent.registered).toBe(true);
  });

  it('heartbeats right after registering, before the first wait', async () => {
    const master = scriptedMaster({ registerFailures: 0 });
    const { waits, sleep } = recordingSleep(1);
    const agent = registration(master, sleep);
    agent.start();
    await until(() => waits.length >= 1);
    await agent.stop();
    expect(master.heartbeats).toHaveLength(1);
  });

  it('sends CPU, memory, disk and container count in each heartbeat', async () => {
    const master = scriptedMaster({ registerFailures: 0 });
    const { waits, sleep } = recordingSleep(3);
    const agent = registration(master, sleep);
    agent.start();
    await until(() => waits.length >= 3);
    await agent.stop();
    expect(waits).toEqual([30_000, 30_000, 30_000]);
    expect(master.heartbeats[0]).toMatchObject({ name: 'rift', cpuMillicores: 1500n, memoryBytes: 2n ** 33n, diskBytes: 10n ** 10n, containers: 4 });
  });

  it('registers again when the master has forgotten the node', async () => {
    const master = scriptedMaster({ registerFailures: 0, registerAgainOnHeartbeat: 2 });
    const { waits, sleep } = recordingSleep(4);
    const agent = registration(master, sleep);
    agent.start();
    await until(() => waits.length >= 4);
    await agent.stop();
    expect(master.registers).toHaveLength(2);
  });

  it('stops while waiting to retry', async () => {
    const master = scriptedMaster({ registerFailures: 1000 });
    const { waits, sleep } = recordingSleep(1);
    const agent = registration(master, sleep);
    agent.start();
    await until(() => waits.length >= 1);
    await agent.stop();
    expect(master.registers).toHaveLength(1);
  });

  it('logs why a registration failed with the code as the audit names it', async () => {
    const master = scriptedMaster({ registerFailures: 1 });
    const { waits, sleep } = recordingSleep(1);
    const capture = captureLog();
    const agent = new MasterRegistration({ ...registrationOptions(master, sleep), log: capture.log });
    agent.start();
    await until(() => waits.length >= 1);
    await agent.stop();
    const warning = capture.lines().find((line) => line['msg'] === 'registration with the master failed; retrying');
    expect(warning).toMatchObject({ err: 'unavailable: master starting', retryInMs: 1000 });
  });

  it('names the architecture as the Go MCP did', () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('arm64')).toBe('arm64');
  });
});
