// A second process for tests: opens the registry (concurrent start-up) or dies by SIGKILL in mid-write.
import { openRegistry } from './open-registry.js';
import { sampleComponent, sampleRoute, sampleService } from './testing.js';

const [mode, path] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: registry-child.fixture.ts <open|kill-mid-upsert> <path>');
const clock = { now: () => new Date(0) };

if (mode === 'open') {
  const registry = openRegistry({ path, clock, isPortFree: () => true });
  process.stdout.write(JSON.stringify(registry.migration));
  registry.close();
} else if (mode === 'kill-mid-upsert') {
  // The probe runs after the old routes are deleted and the components rewritten, inside the
  // transaction: dying there is a kill -9 in the middle of a deploy's registry write.
  const registry = openRegistry({
    path,
    clock,
    isPortFree: () => {
      process.kill(process.pid, 'SIGKILL');
      throw new Error('still alive after SIGKILL');
    },
  });
  registry.upsertService(
    sampleService({
      comment: 'new',
      components: [
        sampleComponent({
          image: 'registry.example/app:2.0.0',
          routes: [sampleRoute(), sampleRoute({ name: 'admin', port: 8443 })],
        }),
      ],
    }),
  );
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
