// The --json shapes of --direct commands, and the fan-out of fleet-wide commands over several agents.
import { toJson, type DescMessage, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import type { AgentConnection } from './agent-client.js';
import type { NodeEntry } from './config.js';
import { exitCodes, toFailure, type ExitCode, type Failure } from './errors.js';
import type { Output } from './output.js';

/** A response as --json prints it: every field, defaults included, so scripts need not know proto3's omissions. */
export function responseJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return toJson(schema, message, { alwaysEmitImplicit: true });
}

/** `{node, address, response}`: the --json document of a command that asked one node. */
export function nodeDocument(node: NodeEntry, response: JsonValue): { node: string; address: string; response: JsonValue } {
  return { node: node.name, address: node.address, response };
}

export type NodeOutcome<T> =
  | { readonly node: NodeEntry; readonly ok: true; readonly value: T }
  | { readonly node: NodeEntry; readonly ok: false; readonly failure: Failure };

/** Asks every agent at once; a node that fails is an outcome like any other, so the rest still report. */
export function askEach<T>(agents: readonly AgentConnection[], ask: (agent: AgentConnection) => Promise<T>): Promise<NodeOutcome<T>[]> {
  return Promise.all(
    agents.map((agent) =>
      ask(agent).then(
        (value): NodeOutcome<T> => ({ node: agent.node, ok: true, value }),
        (error: unknown): NodeOutcome<T> => ({ node: agent.node, ok: false, failure: toFailure(error) }),
      ),
    ),
  );
}

export interface FleetRendering<T> {
  /** The `response` of one node in the --json document. */
  json(value: T): JsonValue;
  /** What people see of the nodes that answered (usually one merged table). */
  human(answered: readonly { node: NodeEntry; value: T }[]): void;
  /** More top-level fields of the --json document, next to `nodes`. */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/**
 * Prints a fleet-wide answer: `{"nodes":[{node,address,response}|{node,address,error:{code,message}}]}`
 * under --json, else the merged view then each node's error on stderr. Exit 0 only when every node answered.
 */
export function reportFleet<T>(output: Output, outcomes: readonly NodeOutcome<T>[], rendering: FleetRendering<T>): ExitCode {
  if (output.json) {
    output.document({
      nodes: outcomes.map((outcome) =>
        outcome.ok
          ? nodeDocument(outcome.node, rendering.json(outcome.value))
          : { node: outcome.node.name, address: outcome.node.address, error: { code: outcome.failure.code, message: outcome.failure.message } },
      ),
      ...rendering.extra,
    });
  } else {
    rendering.human(outcomes.flatMap((outcome) => (outcome.ok ? [{ node: outcome.node, value: outcome.value }] : [])));
    for (const outcome of outcomes) if (!outcome.ok) output.failure(outcome.failure);
  }
  return outcomes.reduce<ExitCode>((worst, outcome) => (outcome.ok ? worst : worseOf(worst, outcome.failure.exitCode)), exitCodes.ok);
}

// Bad input (2) outranks a failed operation (1): fixing the command line comes first.
function worseOf(a: ExitCode, b: ExitCode): ExitCode {
  return a === exitCodes.badInput || b === exitCodes.badInput ? exitCodes.badInput : a === exitCodes.failed || b === exitCodes.failed ? exitCodes.failed : exitCodes.ok;
}
