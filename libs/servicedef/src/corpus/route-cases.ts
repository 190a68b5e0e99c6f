// Malformed definitions at route level: port, mode, hostname, public, names and (port, hostname) collisions.
import { service, type CorpusCase } from './corpus-case.js';

const route = (body: string): string => service({ rest: `[[components.routes]]\n${body}` });

export const routeCases: CorpusCase[] = [
  { title: 'a route without a port', text: route('name = "http"'), keyPath: 'components[0].routes[0].port', expected: 'an integer from 1 to 65535', found: 'missing', line: 7 },
  { title: 'port = "8443" is not converted', text: route('port = "8443"'), keyPath: 'components[0].routes[0].port', expected: 'an integer from 1 to 65535', found: 'found string "8443"', line: 8 },
  { title: 'port 0', text: route('port = 0'), keyPath: 'components[0].routes[0].port', expected: 'from 1 to 65535', found: 'found integer 0' },
  { title: 'a port above 65535', text: route('port = 70000'), keyPath: 'components[0].routes[0].port', expected: 'from 1 to 65535', found: 'found integer 70000' },
  { title: 'a port written as a float', text: route('port = 443.0'), keyPath: 'components[0].routes[0].port', expected: 'an integer', found: 'found float 443.0' },
  { title: 'an unknown mode', text: route('port = 443\nmode = "l5"'), keyPath: 'components[0].routes[0].mode', expected: 'one of "l4", "l7"', found: 'found "l5"', line: 9 },
  { title: 'a mode in upper case', text: route("port = 443\nmode = 'L7'"), keyPath: 'components[0].routes[0].mode', expected: 'one of "l4", "l7"', found: 'found "L7"' },
  { title: 'a hostname with an underscore', text: route('port = 443\nhostname = "my_app.example.org"'), keyPath: 'components[0].routes[0].hostname', expected: 'DNS hostname', found: 'found "my_app.example.org"' },
  { title: 'an empty hostname', text: route('port = 443\nhostname = ""'), keyPath: 'components[0].routes[0].hostname', expected: 'DNS hostname', found: 'found ""' },
  { title: 'a hostname with an empty label', text: route('port = 443\nhostname = "a..example.org"'), keyPath: 'components[0].routes[0].hostname', expected: 'DNS hostname', found: 'found "a..example.org"' },
  { title: 'public = "true" is not converted', text: route('port = 443\nhostname = "a.example.org"\npublic = "true"'), keyPath: 'components[0].routes[0].public', expected: 'true or false', found: 'found string "true"' },
  { title: 'a public route without a hostname', text: route('port = 443\npublic = true'), keyPath: 'components[0].routes[0].hostname', expected: 'the public hostname the edge serves', found: 'missing for a public route' },
  { title: 'a misspelt route key', text: route('port = 443\nhostnmae = "a.example.org"'), keyPath: 'components[0].routes[0].hostnmae', expected: 'one of "name", "port", "mode", "hostname", "public"', found: 'did you mean "hostname"?', line: 9 },
  { title: 'an upper-case route name', text: route('name = "HTTP"\nport = 443'), keyPath: 'components[0].routes[0].name', expected: '"" or a route name', found: 'found "HTTP"' },
  { title: 'two routes with one name in a component', text: route('name = "http"\nport = 443\n[[components.routes]]\nname = "http"\nport = 8443'), keyPath: 'components[0].routes[1].name', expected: 'unique within the component', found: 'already used by routes[0]', line: 11 },
  { title: 'an unnamed route next to another route', text: route('name = "http"\nport = 443\n[[components.routes]]\nport = 8443'), keyPath: 'components[0].routes[1].name', expected: 'it gives $PORT_<NAME>', found: 'missing in a component with several routes', line: 10 },
  { title: 'two default-hostname routes on one port', text: route('port = 443\n[[components]]\nname = "api"\nimage = "localhost/api:1"\n[[components.routes]]\nport = 443'), keyPath: 'components[1].routes[0]', expected: 'a (port, hostname) pair used by one route', found: 'port 443 with the default hostname is already routed by components[0].routes[0]', line: 12 },
  { title: 'two routes for one hostname and port', text: route('name = "a"\nport = 443\nhostname = "x.example.org"\n[[components.routes]]\nname = "b"\nport = 443\nhostname = "x.example.org"'), keyPath: 'components[0].routes[1]', expected: '(port, hostname) pair', found: 'hostname "x.example.org" is already routed' },
  { title: 'routes written as a single table', text: service({ component: 'routes = { port = 443 }' }), keyPath: 'components[0].routes', expected: 'a list of [[components.routes]] tables', found: 'found a table' },
  { title: 'a route list holding strings', text: service({ component: 'routes = ["443"]' }), keyPath: 'components[0].routes[0]', expected: '[[components.routes]] tables', found: 'found string "443"' },
];
