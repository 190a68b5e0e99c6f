// Bundled and run by startup.bench.ts: the bare node:http2 LiveCheck of the bench's floor line, but with its path
// and its answer taken from the generated code (@mcp/proto, protobuf-es). The difference between the two lines is
// what booting protobuf-es and the wire contract's descriptors costs a process by itself, whatever the CLI does.
import { fromBinary } from '@bufbuild/protobuf';
import { McpAgentService } from '@mcp/proto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';

const [address, caPath, token] = process.argv.slice(2);
const method = McpAgentService.method.liveCheck;
const session = connect(`https://${address}`, { ca: readFileSync(caPath ?? '') });
const request = session.request({
  ':method': 'POST',
  ':path': `/${method.parent.typeName}/${method.name}`,
  'content-type': 'application/grpc+proto',
  te: 'trailers',
  authorization: `Bearer ${token}`,
});
const chunks: Buffer[] = [];
request.on('response', (headers) => {
  if (headers[':status'] !== 200) process.exitCode = 1;
});
request.on('trailers', (trailers) => {
  if (trailers['grpc-status'] !== '0') process.exitCode = 1;
});
request.on('data', (chunk: Buffer) => chunks.push(chunk));
request.on('end', () => {
  const answer = fromBinary(method.output, Buffer.concat(chunks).subarray(5));
  if (answer.instances.length === 0) process.exitCode = 1;
  session.close();
});
request.on('error', (error) => {
  console.error(error.message);
  process.exitCode = 1;
  session.close();
});
request.end(Buffer.alloc(5));
