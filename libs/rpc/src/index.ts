// Public surface of @mcp/rpc: the gRPC server and client plumbing shared by the agent, master and CLI.
export { createErrorInterceptor, toConnectError } from './error-interceptor.js';
export type { ErrorClass, ErrorInterceptorOptions, ErrorLog } from './error-interceptor.js';
export { startGrpcServer } from './grpc-server.js';
export type { GrpcServerOptions, RunningServer } from './grpc-server.js';
export { createGrpcClientTransport } from './grpc-client.js';
export type { GrpcClientOptions } from './grpc-client.js';
export { createCapsInterceptor } from './caps-interceptor.js';
