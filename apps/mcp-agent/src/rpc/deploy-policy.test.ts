// The node's deploy policy through the Deploy and SyncDesiredState RPCs on real podman: every rule refuses with its
// request field and rule, before anything is pulled, allocated, recorded or created; the real services' shapes run.
import type { ConnectError} from '@connectrpc/connect';
import { Code, createClient, createRouterTransport, type Client } from '@connectrpc/connect';
import { defaultDeployPolicy, type DeployPolicy } from '@mcp/policy';
import { McpAgentService } from '@mcp/proto';
import type { ComponentSpec, ServiceSpec } from '@mcp/registry';
import { createErrorInterceptor } from '@mcp/rpc';
import { freeLoopbackPort, uniqueName } from '@mcp/testing';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../agent-handlers.js';
import { classifyAgentError } from '../classify-error.js';
import { fetchText, startDeployFixture, toProto, type DeployFixture } from '../deploy.fixture.js';
import type { AgentDeps } from '../deps.js';
import { podmanCli, podmanSkipReason } from '../testing/agent-test-bed.js';
import { deployRpcs } from './deploy-rpcs.js';
import { connectFailureOf as failureOf } from '@mcp/testing';

const skipReason = await podmanSkipReason();


/** An image that exists nowhere: were it pulled before the policy is judged, the answer would be a pull failure. */
const ABSENT_IMAGE = 'localhost/mcp-policy-never-pulled:1';

describe.skipIf(skipReason !== undefined)(`the deploy policy at the agent${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  const clientWith = (deps: AgentDeps): Client<typeof McpAgentService> => {
    const context: HandlerContext = { capabilities: () => [] };
    const transport = createRouterTransport((router) => router.service(McpAgentService, deployRpcs(deps, context)), {
      router: { interceptors: [createErrorInterceptor({ classify: classifyAgentError, log: deps.log })] },
    });
    return createClient(McpAgentService, transport);
  };
  let client: Client<typeof McpAgentService>;
  let root = '';
  beforeAll(async () => {
    fixture = await startDeployFixture();
    client = clientWith(fixture.deps);
    root = fixture.deps.files.root;
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  /** A one-component service (whose image exists nowhere) with `component` set on its component. */
  function serviceWith(component: (service: string) => Partial<ComponentSpec>): ServiceSpec {
    const spec = fixture.httpService({}, { image: ABSENT_IMAGE });
    const defined = spec.components[0];
    if (defined === undefined) throw new Error('the fixture service has no component');
    return { ...spec, components: [{ ...defined, ...component(spec.name) }] };
  }

  /** Deploys `spec`; expects InvalidArgument naming the field and the rule, and that nothing was recorded or created. */
  async function expectRefused(spec: ServiceSpec, field: string, rule: string, deps = fixture.deps): Promise<ConnectError> {
    const error = await failureOf((deps === fixture.deps ? client : clientWith(deps)).deploy({ service: toProto(spec) }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(new RegExp(`^service\\.${field.replace(/[[\].]/g, '\\$&')}: .*\\(deploy policy rule ${rule}\\)$`, 'm'));
    expect(deps.registry.findService(spec.name)).toBeUndefined();
    expect(await fixture.containers(spec.name)).toEqual([]);
    return error;
  }

  it.each([
    ['a bind mount of the root', () => ({ volumes: ['/:/host'] }), 'components[0].volumes[0]', 'policy.mount_roots'],
    ['a bind mount of another directory', () => ({ volumes: ['/etc:/etc:ro'] }), 'components[0].volumes[0]', 'policy.mount_roots'],
    ['the suid mount option', (name: string) => ({ volumes: [`${root}/${name}:/data:suid`] }), 'components[0].volumes[0]', 'policy.mount_options'],
    ['the dev mount option', (name: string) => ({ volumes: [`${root}/${name}:/a`, `${root}/${name}:/data:dev`] }), 'components[0].volumes[1]', 'policy.mount_options'],
    ['a podman volume', () => ({ volumes: ['otherdata:/data'] }), 'components[0].volumes[0]', 'policy.allow_named_volumes'],
    ['the host network', () => ({ network: 'host' }), 'components[0].network', 'policy.network_modes'],
    ["another container's namespaces", () => ({ network: 'container:somebody-else' }), 'components[0].network', 'policy.network_modes'],
    ['a namespace by path', () => ({ network: 'ns:/proc/1/ns/net' }), 'components[0].network', 'policy.network_modes'],
    ['a port on every interface', () => ({ ports: ['127.0.0.1:18080:80', '18081:80'] }), 'components[0].ports[1]', 'policy.allow_every_interface'],
  ])('refuses %s, naming the field and the rule, and creates nothing', async (_what, component, field, rule) => {
    await expectRefused(serviceWith(component), field, rule);
  });

  it('refuses a bind mount that a symbolic link in the service directory leads out of it', async () => {
    const spec = serviceWith((name) => ({ volumes: [`${root}/${name}/escape/ssh:/keys`] }));
    await mkdir(join(root, spec.name), { recursive: true });
    await symlink('/etc', join(root, spec.name, 'escape'));
    const error = await expectRefused(spec, 'components[0].volumes[0]', 'policy.mount_roots');
    expect(error.rawMessage).toContain('which a symbolic link leads to "/etc/ssh"');
  });

  describe('with a configured policy', () => {
    const strict = (): AgentDeps => {
      const policy: DeployPolicy = {
        ...defaultDeployPolicy({ serviceRoot: root }),
        networks: ['mcpnet'],
        hostPorts: [{ first: 53, last: 53 }, { first: 28000, last: 28999 }],
        hostAddresses: ['127.0.0.1'],
      };
      return { ...fixture.deps, policy };
    };

    it('refuses a host port outside host_ports', async () => {
      await expectRefused(serviceWith(() => ({ ports: ['127.0.0.1:8080:80'] })), 'components[0].ports[0]', 'policy.host_ports', strict());
    });

    it('refuses an address outside host_addresses', async () => {
      await expectRefused(serviceWith(() => ({ ports: ['127.0.0.2:28443:8443'] })), 'components[0].ports[0]', 'policy.host_addresses', strict());
    });

    it('refuses a network outside networks', async () => {
      await expectRefused(serviceWith(() => ({ network: 'othernet' })), 'components[0].network', 'policy.networks', strict());
    });
  });

  it('refuses a SyncDesiredState whose definition breaks the policy, recording none of its services', async () => {
    const fine = fixture.httpService();
    const bad = fixture.httpService({}, { network: 'host' });
    const error = await failureOf(client.syncDesiredState({ services: [toProto(fine), toProto(bad)] }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^services\[1\]\.components\[0\]\.network: "host" uses the network mode "host"; .*\(deploy policy rule policy\.network_modes\)$/);
    expect([fixture.deps.registry.findService(fine.name), fixture.deps.registry.findService(bad.name)]).toEqual([undefined, undefined]);
  });

  it("runs the real services' shapes under the default policy: /srv/<service> mounts, user 0:0, a named network, ports on an address", async () => {
    const network = uniqueName('mcp-policy-net');
    await podmanCli('network', 'create', network);
    try {
      const [udpPort, tcpPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
      const spec = fixture.httpService({}, { user: '0:0', network, ports: [`127.0.0.1:${udpPort}:53/udp`, `127.0.0.1:${tcpPort}:8443`] });
      const service = spec.name;
      await mkdir(join(root, service, 'conf'), { recursive: true });
      const component = spec.components[0];
      if (component === undefined) throw new Error('the fixture service has no component');
      const shaped = { ...spec, components: [{ ...component, volumes: [`${root}/${service}:/srv/${service}`, `${root}/${service}/conf:/etc/app:ro,Z`] }] };
      const response = await client.deploy({ service: toProto(shaped), noPull: true });
      expect(response.results.map((result) => result.error)).toEqual(['']);
      expect(await fetchText(response.results[0]?.routes[0]?.hostPort ?? 0)).toContain('busybox');
      const [container] = await fixture.containers(service);
      const details = await fixture.bed.runtime.inspect(container?.name ?? '');
      expect({ networks: details.networks, user: details.user, memoryLimitMb: details.memoryLimitMb, pidsLimit: details.pidsLimit }).toEqual({
        networks: [network],
        user: '0:0',
        memoryLimitMb: 2048,
        pidsLimit: 2048,
      });
      expect(details.ports).toEqual(
        expect.arrayContaining([
          { hostIp: '127.0.0.1', hostPort: udpPort, containerPort: 53, protocol: 'udp' },
          { hostIp: '127.0.0.1', hostPort: tcpPort, containerPort: 8443, protocol: 'tcp' },
        ]),
      );
      const mounts = (await podmanCli('inspect', '--format', '{{range .Mounts}}{{.Destination}}={{.Options}} {{end}}', details.name)).trim();
      expect(mounts).toMatch(new RegExp(`/srv/${service}=\\[[^\\]]*nosuid[^\\]]*\\]`));
      expect(mounts).toMatch(/\/etc\/app=\[[^\]]*nodev[^\]]*\]/);
    } finally {
      await fixture.removeContainers();
      await podmanCli('network', 'rm', '--force', network);
    }
  });
});
