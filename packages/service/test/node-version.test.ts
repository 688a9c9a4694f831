import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServiceNodeVersionError, isPodkitServiceError } from '../src/index.ts';
import { MIN_NODE_VERSION, assertSupportedNode, isNodeAtLeast } from '../src/node-version.ts';

describe('the Node.js version check run by importing @podkit/service', () => {
  it('requires the version of package.json engines.node', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    expect(MIN_NODE_VERSION).toBe('22.19.0');
  });

  it.each([
    ['20.20.2', false],
    ['v22.18.9', false],
    ['22.19.0', true],
    ['v24.1.0', true],
    ['22.100.0', true],
    ['100.0.0', true],
  ] as const)('%s is supported: %s', (running, ok) => {
    expect(isNodeAtLeast(running, MIN_NODE_VERSION)).toBe(ok);
  });

  it('throws an error naming both versions on an older Node.js, and nothing on this one or without process', () => {
    try {
      assertSupportedNode('20.20.2');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ServiceNodeVersionError);
      expect(isPodkitServiceError(err) && err.code).toBe('ERR_PODKIT_SERVICE_NODE_VERSION');
      expect((err as Error).message).toBe('@podkit/service requires Node.js >= 22.19.0 (running v20.20.2); upgrade Node.js');
    }
    expect(() => assertSupportedNode(process.versions.node)).not.toThrow();
    expect(() => assertSupportedNode(undefined)).not.toThrow();
  });
});
