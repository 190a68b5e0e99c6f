// Public surface of @mcp/rpc: the gRPC server and client plumbing shared by the agent, master and CLI.
export { createErrorInterceptor, toConnectError } from './error-interceptor.js';
export type { ErrorClass, ErrorInterceptorOptions, ErrorLog } from './error-interceptor.js';
export { startGrpcServer } from './grpc-server.js';
export type { Admission, CallGate, CallHead, GrpcServerOptions, RunningServer, TransportRefusal } from './grpc-server.js';
export { defaultServerLimits } from './server-limits.js';
export type { ServerLimits } from './server-limits.js';
export type { Peer } from './peer.js';
export { createGrpcClientTransport } from './grpc-client.js';
export type { GrpcClientOptions } from './grpc-client.js';
export { createCapsInterceptor } from './caps-interceptor.js';
