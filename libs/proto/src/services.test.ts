// The two services carry every RPC of SPEC section 2 and 6, with the streaming kinds SPEC gives.
import { describe, expect, it } from 'vitest';
import type { DescService } from '@bufbuild/protobuf';
import { McpAgentService, McpMasterService } from './index.js';

function methodKinds(service: DescService): Record<string, string> {
  return Object.fromEntries(service.methods.map((m) => [m.name, m.methodKind]));
}

describe('service descriptors', () => {
  it('names the services as gRPC paths expect', () => {
    expect(McpAgentService.typeName).toBe('mcp.v1.McpAgentService');
    expect(McpMasterService.typeName).toBe('mcp.v1.McpMasterService');
  });

  it('gives the agent every RPC of SPEC section 2 with its kind', () => {
    expect(methodKinds(McpAgentService)).toEqual({
      Deploy: 'unary',
      UndeployService: 'unary',
      StopService: 'unary',
      StartService: 'unary',
      RestartService: 'unary',
      SyncDesiredState: 'unary',
      ListServices: 'unary',
      GetServiceStatus: 'unary',
      LiveCheck: 'unary',
      AdoptContainers: 'unary',
      PurgeComponent: 'unary',
      PushFile: 'unary',
      PullFile: 'unary',
      PushFileStream: 'client_streaming',
      PullFileStream: 'server_streaming',
      NodeStatus: 'unary',
      Logs: 'server_streaming',
      ListProxyRoutes: 'unary',
      AddProxyRoute: 'unary',
      RemoveProxyRoute: 'unary',
      ListDNSRecords: 'unary',
      HealthCheck: 'unary',
      SetupEdgeRoute: 'unary',
      RemoveEdgeRoute: 'unary',
      ListEdgeRoutes: 'unary',
      ExportServiceData: 'server_streaming',
      ImportServiceData: 'client_streaming',
      Recover: 'unary',
    });
  });

  it('gives the master every RPC of SPEC section 6, ListZoneRecords (mcp dns), ListPublicRoutes (mcp edge), AddNode/RemoveNode, and the streaming forms of the long ones', () => {
    expect(methodKinds(McpMasterService)).toEqual({
      Deploy: 'unary',
      Undeploy: 'unary',
      Status: 'unary',
      Sync: 'unary',
      Migrate: 'unary',
      ListNodes: 'unary',
      CreateSnapshot: 'unary',
      ListSnapshots: 'unary',
      AddNode: 'unary',
      RemoveNode: 'unary',
      MigrateStream: 'server_streaming',
      CreateSnapshotStream: 'server_streaming',
      RestoreSnapshot: 'server_streaming',
      Register: 'unary',
      Heartbeat: 'unary',
      ListZoneRecords: 'unary',
      ListPublicRoutes: 'unary',
    });
  });

  it('answers the master Deploy with MasterDeployResponse', () => {
    const deploy = McpMasterService.methods.find((m) => m.name === 'Deploy');
    expect(deploy?.output.typeName).toBe('mcp.v1.MasterDeployResponse');
    expect(deploy?.input.typeName).toBe('mcp.v1.MasterDeployRequest');
  });
});
