// What a backend hands the conformance suite, and the suite's waiting helpers (poll or stream, with deadlines).
import type { ContainerDetails, ContainerSpec, ContainerState, Runtime, RuntimeEvent } from '../types.js';

/** The parts of a ContainerSpec that make a container do something; the suite adds names and the node. */
export type Program = Pick<ContainerSpec, 'image'> & Partial<Pick<ContainerSpec, 'cmd' | 'env' | 'user'>>;

export interface PrintOptions {
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  /** Written after `pauseMs`, once `stdout` and `stderr` are out (to test following). */
  readonly laterStdout?: readonly string[];
  readonly pauseMs?: number;
  readonly exitCode?: number;
}

/** How a backend makes each kind of program the suite needs. */
export interface ConformancePrograms {
  /** Runs until stopped, and stops promptly when asked; gives an explicit cmd. */
  serve(): Program;
  /** Writes every stdout line in order, then every stderr line, then (after a pause) laterStdout, then exits. */
  print(options: PrintOptions): Program;
  /** Is created but cannot start (e.g. its user does not exist, or the backend is scripted to fail). */
  failToStart(): Program;
}

export interface ConformanceFixture {
  readonly runtime: Runtime;
  /** A node label no other test uses, so tests never see each other's containers. */
  readonly node: string;
  /** A name no other test uses; valid as a service name (lower-case letters, digits, '-'). */
  uniqueName(prefix: string): string;
  readonly programs: ConformancePrograms;
  /** An image present locally. */
  readonly presentImage: string;
  /** A reference that is neither present nor pullable. */
  readonly missingImage: string;
  /** Kills a container behind the runtime's back, as an operator or the OOM killer would. */
  killOutOfBand(name: string): Promise<void>;
  /** Makes a running container without MCP's labels, as something else on the host would. */
  createUnlabelled(name: string): Promise<void>;
  /** Removes what the fixture made outside the runtime (unlabelled containers). */
  dispose(): Promise<void>;
}

export interface ConformanceHarness {
  /** Once before the suite (start a service, build an image). */
  start(): Promise<void>;
  /** A fresh fixture per test. */
  fixture(): ConformanceFixture;
  /** Once after the suite. */
  stop(): Promise<void>;
}

export const DEFAULT_DEADLINE_MS = 15_000;
const POLL_INTERVAL_MS = 50;

/** Polls inspect until the container reaches the state, or fails naming the last state seen. */
export async function waitForState(
  runtime: Runtime,
  name: string,
  state: ContainerState,
  deadlineMs = DEFAULT_DEADLINE_MS,
): Promise<ContainerDetails> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const details = await runtime.inspect(name);
    if (details.state === state) return details;
    if (Date.now() > deadline) {
      throw new Error(`container ${name} did not become ${state} within ${deadlineMs} ms (last: ${details.state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Reads items until one matches; fails after the deadline, listing what was seen. */
export async function readUntil<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  found: (item: T, seen: readonly T[]) => boolean,
  deadlineMs = DEFAULT_DEADLINE_MS,
): Promise<T[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const seen: T[] = [];
  try {
    for await (const item of open(controller.signal)) {
      seen.push(item);
      if (found(item, seen)) return seen;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const why = controller.signal.aborted ? `nothing matched within ${deadlineMs} ms` : 'the stream ended first';
  throw new Error(`${why}; saw ${JSON.stringify(seen)}`);
}

/** Reads a finite stream to its end (or fails at the deadline). */
export async function readAll<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  deadlineMs = DEFAULT_DEADLINE_MS,
): Promise<T[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const seen: T[] = [];
  try {
    for await (const item of open(controller.signal)) seen.push(item);
  } finally {
    clearTimeout(timer);
  }
  if (controller.signal.aborted) {
    throw new Error(`stream did not end within ${deadlineMs} ms; saw ${JSON.stringify(seen)}`);
  }
  return seen;
}

export function eventOf(events: readonly RuntimeEvent[], name: string, action: RuntimeEvent['action']): boolean {
  return events.some((event) => event.name === name && event.action === action);
}
