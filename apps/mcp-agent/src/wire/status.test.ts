import { durationMs, timestampDate } from '@bufbuild/protobuf/wkt';
import type { Component } from '@mcp/registry';
import { sampleComponent, sampleRoute } from '@mcp/registry/testing';
import { describe, expect, it } from 'vitest';
import { componentInfoToWire, eventInfoToWire, imageVersion, liveInstanceToWire, type LiveView } from './status.js';

const now = new Date('2025-01-01T12:00:00.000Z');
const minutesAgo = (minutes: number): Date => new Date(now.getTime() - minutes * 60_000);

function component(observed: Component['observed']): Component {
  return {
    ...sampleComponent({ image: 'registry.example:5000/team/app:1.4.2', routes: [sampleRoute({ name: 'http', hostPort: 12001 })] }),
    service: 'shop',
    observed,
    updatedAt: minutesAgo(60),
  };
}

describe('imageVersion', () => {
  it('is the tag, even behind a registry with a port', () => {
    expect(imageVersion('registry.example:5000/team/app:1.4.2')).toBe('1.4.2');
    expect(imageVersion('localhost/mcp-busybox:test')).toBe('test');
  });

  it('is empty for a reference without a tag', () => {
    expect(imageVersion('registry.example:5000/team/app')).toBe('');
    expect(imageVersion(`app@sha256:${'a'.repeat(64)}`)).toBe('');
  });
});

describe('componentInfoToWire', () => {
  it('reports a running component with its start, its uptime at answer time, version and route host ports', () => {
    const info = componentInfoToWire(component({ state: 'running', startedAt: minutesAgo(90), observedAt: minutesAgo(1) }), true, now);
    expect(info).toMatchObject({ desiredState: 'running', observedState: 'running', version: '1.4.2', drift: false, instanceName: 'shop-api' });
    expect(info.startedAt && timestampDate(info.startedAt)).toEqual(minutesAgo(90));
    expect(info.uptime && durationMs(info.uptime)).toBe(90 * 60_000);
    expect(info.observedAt && timestampDate(info.observedAt)).toEqual(minutesAgo(1));
    expect(info.routes.map((route) => [route.route?.name, route.hostPort])).toEqual([['http', 12001]]);
  });

  it('leaves start and uptime unset, and flags drift, when a component that should run has exited', () => {
    const info = componentInfoToWire(component({ state: 'exited', startedAt: minutesAgo(90) }), true, now);
    expect(info).toMatchObject({ observedState: 'exited', drift: true });
    expect(info.startedAt).toBeUndefined();
    expect(info.uptime).toBeUndefined();
  });

  it('takes the desired state from the service', () => {
    expect(componentInfoToWire(component({ state: 'running' }), false, now)).toMatchObject({ desiredState: 'stopped', drift: true });
  });
});

describe('liveInstanceToWire', () => {
  const view: LiveView = {
    service: 'shop',
    component: 'api',
    name: 'shop-api',
    runtime: 'container',
    state: 'exited',
    image: 'localhost/app:2',
    id: 'abc',
    ports: [{ hostPort: 12001, containerPort: 12001, protocol: 'tcp' }],
  };

  it('shows drift only for a managed instance', () => {
    expect(liveInstanceToWire(view, now)).toMatchObject({ managed: false, desiredState: '', drift: false, version: '2' });
    expect(liveInstanceToWire({ ...view, desiredState: 'running' }, now)).toMatchObject({ managed: true, drift: true });
  });

  it('lists published ports', () => {
    expect(liveInstanceToWire(view, now).ports).toEqual(['12001:12001/tcp']);
  });
});

describe('eventInfoToWire', () => {
  it('carries the transition with its id and time', () => {
    const info = eventInfoToWire({ id: 7, time: now, service: 'shop', component: 'api', fromState: 'running', toState: 'exited', kind: 'transition', message: '' });
    expect(info).toMatchObject({ id: 7n, service: 'shop', component: 'api', previousState: 'running', newState: 'exited' });
    expect(info.time && timestampDate(info.time)).toEqual(now);
  });
});
