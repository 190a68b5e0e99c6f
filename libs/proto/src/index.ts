// Public surface of @mcp/proto: every message, enum and service descriptor generated from proto/mcp/v1.
export * from './gen/mcp/v1/agent_data_pb.js';
export * from './gen/mcp/v1/agent_pb.js';
export * from './gen/mcp/v1/agent_routes_pb.js';
export * from './gen/mcp/v1/common_pb.js';
export * from './gen/mcp/v1/master_pb.js';
export * from './gen/mcp/v1/service_pb.js';
