// Pins the field numbers and types fixed by the Go MCP (SPEC sections 2 and 6), read from the descriptors.
import { describe, expect, it } from 'vitest';
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import {
  ComponentSpecSchema,
  EdgeRouteStatusSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  MasterDeployResponseSchema,
  MigrateRequestSchema,
  NodeInfoSchema,
  RegisterRequestSchema,
  RegisterResponseSchema,
  RouteSpecSchema,
  ServiceSpecSchema,
  ServiceStatusSchema,
  SnapshotConfigSchema,
  SnapshotInfoSchema,
  StepResultSchema,
} from './index.js';

/** "number type" of a field, e.g. "3 repeated mcp.v1.ComponentSpec" or "9 map<string, string>". */
function describeField(field: DescField): string {
  const scalar = (t: ScalarType) => ScalarType[t].toLowerCase();
  switch (field.fieldKind) {
    case 'scalar':
      return `${field.number} ${scalar(field.scalar)}`;
    case 'enum':
      return `${field.number} ${field.enum.typeName}`;
    case 'message':
      return `${field.number} ${field.message.typeName}`;
    case 'list':
      return `${field.number} repeated ${field.listKind === 'scalar' ? scalar(field.scalar) : field.listKind === 'enum' ? field.enum.typeName : field.message.typeName}`;
    case 'map': {
      const value =
        field.mapKind === 'scalar' ? scalar(field.scalar) : field.mapKind === 'enum' ? field.enum.typeName : field.message.typeName;
      return `${field.number} map<${scalar(field.mapKey)}, ${value}>`;
    }
  }
}

/** The fields of schema named in expected, described; extra fields of ours are not compared. */
function fixedFields(schema: DescMessage, expected: Record<string, string>): Record<string, string> {
  const actual: Record<string, string> = {};
  for (const name of Object.keys(expected)) {
    const field = schema.fields.find((f) => f.name === name);
    actual[name] = field ? describeField(field) : 'missing';
  }
  return actual;
}

const fixed: [DescMessage, Record<string, string>][] = [
  [
    ServiceSpecSchema,
    {
      name: '1 string',
      active: '2 bool',
      components: '3 repeated mcp.v1.ComponentSpec',
      comment: '4 string',
      tier: '5 string',
      node: '6 string',
      snapshot: '7 mcp.v1.SnapshotConfig',
      path: '8 string',
      build_images: '9 map<string, string>',
    },
  ],
  [
    ComponentSpecSchema,
    {
      name: '1 string',
      image: '2 string',
      network: '3 string',
      user: '4 string',
      restart: '5 string',
      ports: '6 repeated string',
      volumes: '7 repeated string',
      cmd: '8 repeated string',
      routes: '9 repeated mcp.v1.RouteSpec',
      env: '10 repeated string',
      runtime: '11 string',
      memory_mb: '12 int32',
      vcpus: '13 int32',
    },
  ],
  [RouteSpecSchema, { name: '1 string', port: '2 int32', mode: '3 string', hostname: '4 string', public: '5 bool' }],
  [SnapshotConfigSchema, { method: '1 string', excludes: '2 repeated string' }],
  [
    MasterDeployResponseSchema,
    {
      node: '1 string',
      success: '2 bool',
      error: '3 string',
      deploy_result: '4 mcp.v1.StepResult',
      edge_route_result: '5 mcp.v1.StepResult',
      dns_result: '6 mcp.v1.StepResult',
    },
  ],
  [StepResultSchema, { step: '1 string', success: '2 bool', error: '3 string' }],
  [RegisterRequestSchema, { name: '1 string', role: '2 string', address: '3 string', arch: '4 string' }],
  [RegisterResponseSchema, { accepted: '1 bool' }],
  [
    HeartbeatRequestSchema,
    {
      name: '1 string',
      cpu_millicores: '2 int64',
      memory_bytes: '3 int64',
      disk_bytes: '4 int64',
      containers: '5 int32',
    },
  ],
  [HeartbeatResponseSchema, { acknowledged: '1 bool' }],
  [
    NodeInfoSchema,
    {
      name: '1 string',
      role: '2 string',
      address: '3 string',
      arch: '4 string',
      status: '5 string',
      containers: '6 int32',
      last_heartbeat: '7 string',
      services: '8 int32',
    },
  ],
  [
    ServiceStatusSchema,
    {
      name: '1 string',
      node: '2 string',
      tier: '3 string',
      status: '4 string',
      edge_routes: '5 repeated mcp.v1.EdgeRouteStatus',
    },
  ],
  [EdgeRouteStatusSchema, { hostname: '1 string', edge_node: '2 string', cert_expires: '3 string' }],
  [
    MigrateRequestSchema,
    { service_name: '1 string', target_node: '2 string', force: '3 bool', all: '4 bool', source_node: '5 string' },
  ],
  [
    SnapshotInfoSchema,
    { service_name: '1 string', node: '2 string', filename: '3 string', size_bytes: '4 int64', created_at: '5 string' },
  ],
];

describe('fixed field numbers', () => {
  it.each(fixed.map(([schema, expected]) => [schema.typeName, schema, expected] as const))(
    '%s keeps the Go MCP numbers and types',
    (_name, schema, expected) => {
      expect(fixedFields(schema, expected)).toEqual(expected);
    },
  );

  it.each(
    ([
      [ServiceSpecSchema, 9],
      [ComponentSpecSchema, 13],
      [RouteSpecSchema, 5],
      [SnapshotConfigSchema, 2],
    ] as const).map(([schema, count]) => [schema.typeName, schema, count] as const),
  )('%s has no field beyond the agreed ones', (_name, schema, count) => {
    expect(schema.fields.map((f) => f.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, i) => i + 1),
    );
  });
});
