import { describe, expect, it } from 'vitest';
import { buildImageKeys, checkImage, parseImageReference } from './image-reference.js';

describe('parseImageReference', () => {
  it('splits registry repository, tag and digest', () => {
    expect(parseImageReference(`registry.example:5000/team/app:v1.2@sha256:${'0'.repeat(64)}`)).toStrictEqual({
      repository: 'registry.example:5000/team/app', tag: 'v1.2', digest: `sha256:${'0'.repeat(64)}`,
    });
  });

  it('does not take a registry port for a tag', () => {
    expect(parseImageReference('registry.example:5000/app')).toStrictEqual({ repository: 'registry.example:5000/app' });
  });

  it.each(['App:1', 'app:', 'app:-x', 'a b:1', 'app@sha256:short', 'a@b@c', '/app:1', 'app//x:1'])('refuses %j', (image) => {
    expect(parseImageReference(image)).toBeUndefined();
  });
});

describe('checkImage', () => {
  it.each(['busybox:1.36', 'localhost/mcp-busybox:test', 'docker.io/library/busybox:latest'])('accepts %s', (image) => {
    expect(checkImage(image)).toBeUndefined();
  });

  it('refuses a reference without tag or digest', () => {
    expect(checkImage('localhost/app')).toContain('has no tag');
  });
});

describe('buildImageKeys', () => {
  it('offers the full repository, the path without registry and the last part', () => {
    expect(buildImageKeys('mcr.example.net:8443/team/notes:v1')).toStrictEqual(['mcr.example.net:8443/team/notes', 'team/notes', 'notes']);
  });

  it('offers one key for a bare name', () => {
    expect(buildImageKeys('busybox:1')).toStrictEqual(['busybox']);
  });
});
