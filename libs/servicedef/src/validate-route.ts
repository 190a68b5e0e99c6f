// Validates one `[[components.routes]]` table and the per-component route rules.
import { oneOf } from './checks.js';
import type { FieldReader } from './field-reader.js';
import { checkHostname, checkName, HOSTNAME_EXPECTED, NAME_EXPECTED } from './names.js';
import type { RouteDefinition, RouteMode } from './types.js';

export const ROUTE_KEYS = ['name', 'port', 'mode', 'hostname', 'public'] as const;
const MODES: readonly RouteMode[] = ['l4', 'l7'];

export function readRoute(route: FieldReader): RouteDefinition {
  route.knownKeys(ROUTE_KEYS);
  const name = route.string('name', `"" or a route name of ${NAME_EXPECTED}`, {
    check: (value) => (value === '' ? undefined : checkName(value)),
  });
  const port = route.integer('port', { min: 1, max: 65535, expected: 'an integer from 1 to 65535', required: true });
  const mode = route.string('mode', 'one of "l4", "l7"', { check: oneOf(MODES) }) as RouteMode | undefined;
  const hostname = route.string('hostname', HOSTNAME_EXPECTED, { check: checkHostname });
  const isPublic = route.boolean('public') ?? false;
  // The default hostname is internal (`<service>.<zone>`); an edge route needs the public name to certify.
  if (isPublic && !route.has('hostname')) {
    route.report(['hostname'], 'missing for a public route', `the public hostname the edge serves, e.g. "app.example.org"`);
  }
  const definition: RouteDefinition = { name: name ?? '', port: port ?? 0, mode: mode ?? 'l4', public: isPublic };
  if (hostname !== undefined) definition.hostname = hostname;
  return definition;
}

/** Route names give `$PORT_<NAME>`: they must be unique, and present as soon as a component has several routes. */
export function checkRouteNames(component: FieldReader, readers: readonly FieldReader[], routes: readonly RouteDefinition[]): void {
  const seen = new Map<string, number>();
  routes.forEach((route, index) => {
    const written = readers[index]?.values['name'];
    if (written !== undefined && written !== route.name) return; // a bad name was reported already
    if (route.name === '') {
      if (routes.length > 1) {
        component.report(['routes', index, 'name'], 'missing in a component with several routes', `a route name (it gives $PORT_<NAME>) of ${NAME_EXPECTED}`);
      }
      return;
    }
    const first = seen.get(route.name);
    if (first === undefined) seen.set(route.name, index);
    else component.report(['routes', index, 'name'], `found ${JSON.stringify(route.name)}, already used by routes[${first}]`, 'a route name unique within the component');
  });
}
