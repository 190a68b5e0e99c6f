// Node facts, runtime backends and log lines as the wire's messages (NodeStatus, Logs).
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  LogLineSchema,
  LogStream,
  NodeCapacitySchema,
  NodeFactsSchema,
  RuntimeInfoSchema,
  type LogLine as WireLogLine,
  type NodeCapacity,
  type NodeFacts,
  type RuntimeInfo,
} from '@mcp/proto';
import type { ComponentRuntime } from '@mcp/registry';
import type { ProbeResult } from '@mcp/runtime';
import type { TaggedLine } from '../log-stream.js';
import type { DiskSpace, MachineFacts, MachineLoad } from '../node-facts.js';

export function nodeFactsToWire(facts: MachineFacts, disk: DiskSpace | undefined): NodeFacts {
  return create(NodeFactsSchema, {
    hostname: facts.hostname,
    arch: facts.arch,
    os: facts.os,
    osRelease: facts.osRelease,
    kernel: facts.kernel,
    cpus: facts.cpus,
    memoryBytes: BigInt(facts.memoryBytes),
    diskBytes: BigInt(disk?.totalBytes ?? 0),
  });
}

export interface Counts {
  /** Running containers and VMs this agent owns. */
  readonly containers: number;
  readonly services: number;
  readonly components: number;
}

export function nodeCapacityToWire(load: MachineLoad, disk: DiskSpace | undefined, counts: Counts): NodeCapacity {
  return create(NodeCapacitySchema, {
    cpuMillicores: BigInt(load.cpuMillicores),
    cpuMillicoresUsed: BigInt(load.cpuMillicoresUsed),
    memoryAvailableBytes: BigInt(load.memoryAvailableBytes),
    diskAvailableBytes: BigInt(disk?.availableBytes ?? 0),
    ...counts,
  });
}

export function runtimeInfoToWire(backend: string, componentRuntime: ComponentRuntime, probe: ProbeResult): RuntimeInfo {
  return create(RuntimeInfoSchema, {
    name: backend,
    componentRuntime,
    available: probe.available,
    version: probe.available ? (probe.version ?? '') : '',
    acceleration: probe.available ? (probe.acceleration ?? '') : '',
    detail: probe.reason ?? '',
  });
}

const streams = { stdout: LogStream.STDOUT, stderr: LogStream.STDERR } as const;

export function logLineToWire(tagged: TaggedLine, timestamps: boolean): WireLogLine {
  const { line } = tagged;
  return create(LogLineSchema, {
    component: tagged.component,
    stream: streams[line.stream],
    ...(timestamps && line.timestamp !== undefined ? { time: timestampFromDate(line.timestamp) } : {}),
    line: Buffer.from(line.text, 'utf8'),
  });
}
