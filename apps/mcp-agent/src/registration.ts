// Self-registration with the master: Register with exponential backoff, then heartbeat on the master's
// period; registers again when the master has forgotten the node. Runs until stopped.
import { create } from '@bufbuild/protobuf';
import { durationMs } from '@bufbuild/protobuf/wkt';
import { ConnectError, type Client } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { HeartbeatRequestSchema, RegisterRequestSchema, type McpMasterService, type RuntimeInfo } from '@mcp/proto';
import type { AgentLog, NodeRole } from './deps.js';

export interface NodeLoad {
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  readonly containers: number;
}

export interface RegistrationOptions {
  readonly master: Client<typeof McpMasterService>;
  readonly node: { readonly name: string; readonly role: NodeRole; readonly address: string };
  readonly version: string;
  /** CPU architecture in Go notation (amd64, arm64), as the Go MCP reported it. */
  readonly arch: string;
  readonly runtimes: () => Promise<RuntimeInfo[]>;
  readonly load: () => Promise<NodeLoad>;
  readonly log: AgentLog;
  /** Waits `ms`, or less when the signal aborts. Injected so tests need not wait. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Used until the master says otherwise in RegisterResponse.heartbeat_interval. */
  readonly heartbeatIntervalMs?: number;
}

/** 1 s doubling to 60 s (SPEC §4). */
export function nextBackoffMs(previousMs: number | undefined, initialMs: number, maxMs: number): number {
  return previousMs === undefined ? initialMs : Math.min(previousMs * 2, maxMs);
}

/** Node's architecture in Go notation, as the master and the Go MCP expect it. */
export function goArch(nodeArch: string): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
  return names[nodeArch] ?? nodeArch;
}

export class MasterRegistration {
  readonly #options: RegistrationOptions;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #registered = false;

  constructor(options: RegistrationOptions) {
    this.#options = options;
  }

  get registered(): boolean {
    return this.#registered;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const intervalMs = await this.#register(signal);
      if (intervalMs === undefined) return;
      await this.#heartbeat(intervalMs, signal);
    }
  }

  /** Registers, retrying with backoff; the heartbeat period on success, undefined when stopped. */
  async #register(signal: AbortSignal): Promise<number | undefined> {
    const { master, node, log } = this.#options;
    const initial = this.#options.initialBackoffMs ?? 1000;
    const max = this.#options.maxBackoffMs ?? 60_000;
    let backoffMs: number | undefined;
    while (!signal.aborted) {
      try {
        const request = create(RegisterRequestSchema, {
          name: node.name,
          role: node.role,
          address: node.address,
          arch: this.#options.arch,
          agentVersion: this.#options.version,
          runtimes: await this.#options.runtimes(),
        });
        const answer = await master.register(request, { signal });
        if (!answer.accepted) throw new Error(`the master did not accept the node: ${answer.message || 'no reason given'}`);
        this.#registered = true;
        const intervalMs = answer.heartbeatInterval ? durationMs(answer.heartbeatInterval) : undefined;
        log.info({ master: 'registered', message: answer.message, heartbeatIntervalMs: intervalMs }, 'registered with the master');
        return intervalMs !== undefined && intervalMs > 0 ? intervalMs : (this.#options.heartbeatIntervalMs ?? 30_000);
      } catch (error) {
        if (signal.aborted) return undefined;
        backoffMs = nextBackoffMs(backoffMs, initial, max);
        log.warn({ err: describe(error), retryInMs: backoffMs }, 'registration with the master failed; retrying');
        await this.#options.sleep(backoffMs, signal);
      }
    }
    return undefined;
  }

  /**
   * Heartbeats until stopped or until the master asks for a new registration. The first one goes right
   * after registering: a node takes placements only once the master has heard from it.
   */
  async #heartbeat(intervalMs: number, signal: AbortSignal): Promise<void> {
    const { master, node, log } = this.#options;
    while (!signal.aborted) {
      try {
        const load = await this.#options.load();
        const request = create(HeartbeatRequestSchema, {
          name: node.name,
          cpuMillicores: BigInt(Math.round(load.cpuMillicores)),
          memoryBytes: BigInt(Math.round(load.memoryBytes)),
          diskBytes: BigInt(Math.round(load.diskBytes)),
          containers: load.containers,
        });
        const answer = await master.heartbeat(request, { signal });
        if (answer.registerAgain) {
          this.#registered = false;
          log.warn({}, 'the master asked this node to register again');
          return;
        }
      } catch (error) {
        if (signal.aborted) return;
        // A missed heartbeat is the master's to judge (it probes, then marks the node unhealthy).
        log.warn({ err: describe(error) }, 'heartbeat to the master failed');
      }
      await this.#options.sleep(intervalMs, signal);
    }
  }
}

function describe(error: unknown): string {
  // The code's wire name (permission_denied), as the audit writes it; the enum's number would mean nothing to a reader.
  return error instanceof ConnectError ? `${codeToString(error.code)}: ${error.rawMessage}` : error instanceof Error ? error.message : String(error);
}
