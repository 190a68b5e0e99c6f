import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedDomainOf, chooseEdgeNode, isUnderDomain } from './public-routes.js';
import { sampleNode } from './store/testing.js';

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));

describe('allowed public domain check', () => {
  it('accepts the examples of the spec: a name under the domain and the domain itself', () => {
    expect(isUnderDomain('mcq.example.net', 'example.net')).toBe(true);
    expect(isUnderDomain('example.net', 'example.net')).toBe(true);
  });

  it('refuses a name that only ends with the same characters', () => {
    expect(isUnderDomain('evilexample.net', 'example.net')).toBe(false);
  });

  it('compares labels case-insensitively and accepts a fully qualified name', () => {
    expect(isUnderDomain('MCQ.Example.NET.', 'example.net')).toBe(true);
  });

  it('accepts every name made of labels in front of the domain', () => {
    fc.assert(
      fc.property(fc.array(label, { maxLength: 3 }), domain, (prefix, parent) => {
        expect(isUnderDomain([...prefix, parent].join('.'), parent)).toBe(true);
      }),
    );
  });

  it('refuses every name whose last label before the domain is glued to it', () => {
    fc.assert(
      fc.property(fc.array(label, { maxLength: 2 }), label, domain, (prefix, glued, parent) => {
        const hostname = [...prefix, `${glued}${parent}`].join('.');
        fc.pre(!hostname.split('.').slice(-parent.split('.').length).every((part, index) => part === parent.split('.')[index]));
        expect(isUnderDomain(hostname, parent)).toBe(false);
      }),
    );
  });

  it('refuses a name with fewer labels than the domain', () => {
    fc.assert(
      fc.property(domain, label, (parent, extra) => {
        expect(isUnderDomain(parent, `${extra}.${parent}`)).toBe(false);
      }),
    );
  });

  it('agrees with a reference: the name equals the domain or ends with "." + the domain', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), domain, (labels, parent) => {
        const hostname = labels.join('.');
        expect(isUnderDomain(hostname, parent)).toBe(hostname === parent || hostname.endsWith(`.${parent}`));
      }),
    );
  });

  it('names the most specific allowed domain a hostname is under', () => {
    expect(allowedDomainOf('a.b.example.net', ['example.net', 'b.example.net', 'example.org'])).toBe('b.example.net');
    expect(allowedDomainOf('a.example.com', ['example.net'])).toBeUndefined();
  });
});

describe('edge node choice', () => {
  it('chooses the first healthy edge node by name', () => {
    const nodes = [
      sampleNode({ name: 'zeta', role: 'edge', status: 'healthy' }),
      sampleNode({ name: 'alpha', role: 'edge', status: 'unhealthy' }),
      sampleNode({ name: 'beta', role: 'edge', status: 'healthy' }),
      sampleNode({ name: 'aaa', role: 'worker', status: 'healthy' }),
    ];
    expect(chooseEdgeNode(nodes)?.name).toBe('beta');
  });

  it('chooses the healthy edge node with the fewest recorded routes, ties by name', () => {
    const nodes = ['gamma', 'beta', 'alpha', 'sick'].map((name) => sampleNode({ name, role: 'edge', status: name === 'sick' ? 'unhealthy' : 'healthy' }));
    const on = (edgeNode: string) => ({ edgeNode });
    expect(chooseEdgeNode(nodes, [on('alpha'), on('alpha'), on('beta'), on('gamma')])?.name).toBe('beta');
    expect(chooseEdgeNode(nodes, [on('alpha'), on('beta')])?.name).toBe('gamma');
    expect(chooseEdgeNode(nodes, [on('sick'), on('alpha'), on('beta'), on('gamma')])?.name).toBe('alpha');
  });

  it('chooses none when no edge node is healthy', () => {
    expect(chooseEdgeNode([sampleNode({ name: 'alpha', role: 'edge', status: 'unknown' })])).toBeUndefined();
  });
});
