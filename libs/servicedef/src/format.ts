// Canonical TOML writer for a ServiceDefinition (`mcp service export`): parse(format(d)) gives d back.
import type { ComponentDefinition, RouteDefinition, ServiceDefinition } from './types.js';

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A TOML basic string; control characters are escaped because TOML forbids them raw. */
export function tomlString(value: string): string {
  let out = '"';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[character];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += character;
  }
  return `${out}"`;
}

const list = (values: readonly string[]): string => `[${values.map(tomlString).join(', ')}]`;

export function formatDefinition(definition: ServiceDefinition): string {
  const lines = [`name = ${tomlString(definition.name)}`, `active = ${definition.active}`];
  if (definition.tier !== undefined) lines.push(`tier = ${tomlString(definition.tier)}`);
  if (definition.node !== undefined) lines.push(`node = ${tomlString(definition.node)}`);
  if (definition.comment !== undefined) lines.push(`comment = ${tomlString(definition.comment)}`);
  if (definition.path !== undefined) lines.push(`path = ${tomlString(definition.path)}`);
  const images = Object.entries(definition.buildImages);
  if (images.length > 0) {
    lines.push('', '[build.images]', ...images.map(([repository, dockerfile]) => `${tomlString(repository)} = ${tomlString(dockerfile)}`));
  }
  const { method, exclude } = definition.snapshot;
  if (method !== '' || exclude.length > 0) {
    lines.push('', '[snapshot]');
    if (method !== '') lines.push(`method = ${tomlString(method)}`);
    if (exclude.length > 0) lines.push(`exclude = ${list(exclude)}`);
  }
  for (const component of definition.components) lines.push('', ...formatComponent(component));
  return `${lines.join('\n')}\n`;
}

function formatComponent(component: ComponentDefinition): string[] {
  const lines = ['[[components]]', `name = ${tomlString(component.name)}`, `image = ${tomlString(component.image)}`];
  // A container refuses memory and vcpus; they are written for one only when set, so that validation sees them.
  const isVm = component.runtime === 'unikernel';
  if (component.runtime !== 'container') lines.push(`runtime = ${tomlString(component.runtime)}`);
  if (component.memoryMb !== undefined) lines.push(`memory = ${component.memoryMb}`);
  if (isVm || component.vcpus !== 1) lines.push(`vcpus = ${component.vcpus}`);
  if (component.network !== undefined) lines.push(`network = ${tomlString(component.network)}`);
  if (component.user !== undefined) lines.push(`user = ${tomlString(component.user)}`);
  if (component.restart !== undefined) lines.push(`restart = ${tomlString(component.restart)}`);
  if (component.ports.length > 0) lines.push(`ports = ${list(component.ports)}`);
  if (component.volumes.length > 0) lines.push(`volumes = ${list(component.volumes)}`);
  if (component.cmd !== undefined && component.cmd.length > 0) lines.push(`cmd = ${list(component.cmd)}`);
  if (component.env.length > 0) lines.push(`env = ${list(component.env)}`);
  for (const route of component.routes) lines.push('', ...formatRoute(route));
  return lines;
}

function formatRoute(route: RouteDefinition): string[] {
  const lines = ['[[components.routes]]'];
  if (route.name !== '') lines.push(`name = ${tomlString(route.name)}`);
  lines.push(`port = ${route.port}`, `mode = ${tomlString(route.mode)}`);
  if (route.hostname !== undefined) lines.push(`hostname = ${tomlString(route.hostname)}`);
  if (route.public) lines.push('public = true');
  return lines;
}
