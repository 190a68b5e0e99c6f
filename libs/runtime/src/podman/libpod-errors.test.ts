// Classification of podman's error answers into RuntimeError kinds, and the messages they make.
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { classifyPodmanFailure, kindOfPodmanFailure } from './libpod-errors.js';

const context = { operation: 'stop container', target: 'web-api' };

describe('podman failures', () => {
  it.each([
    [404, 'no container with name or ID "x" found: no such container', 'not-found'],
    [500, 'localhost/nope:1: image not known', 'not-found'],
    [200, 'reading manifest 1 in 127.0.0.1:5000/x: manifest unknown: manifest unknown', 'not-found'],
    [500, 'the container name "web-api" is already in use by 14b4f06', 'conflict'],
    [500, 'cannot remove container 71 as it is running: container state improper', 'wrong-state'],
    [200, 'pinging container registry 127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused', 'unavailable'],
    [400, 'bad parameter', 'invalid-argument'],
    [500, 'something else broke', 'failed'],
  ] as const)('classifies HTTP %i "%s" as %s', (status, text, kind) => {
    expect(kindOfPodmanFailure(status, text)).toBe(kind);
  });

  it('says what was done, to what, and what podman answered', () => {
    const body = JSON.stringify({ cause: 'no such container', message: 'no container named web-api', response: 404 });
    const error = classifyPodmanFailure(404, body, context);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('podman: stop container web-api: no container named web-api (HTTP 404)');
    expect({ backend: error.backend, target: error.target, operation: error.operation }).toEqual({
      backend: 'podman',
      target: 'web-api',
      operation: 'stop container',
    });
  });

  it('keeps a plain-text answer as the detail', () => {
    expect(classifyPodmanFailure(502, 'Bad Gateway\n', context).detail).toBe('Bad Gateway (HTTP 502)');
  });
});
