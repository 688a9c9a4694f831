import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OtelNodeVersionError, isPodkitOtelError } from '../src/index.ts';
import { MIN_NODE_VERSION, assertSupportedNode, isNodeAtLeast } from '../src/node-version.ts';

describe('the Node.js version check run by importing @podkit/otel', () => {
  it('requires the version of package.json engines.node, the SDK 3.x packages\' minimum', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    const sdk = JSON.parse(readFileSync(new URL('../../../node_modules/@opentelemetry/sdk-trace/package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(sdk.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
  });

  it.each([
    ['20.20.2', false],
    ['v22.14.9', false],
    ['22.15.0', true],
    ['v24.1.0', true],
  ] as const)('%s is supported: %s', (running, ok) => {
    expect(isNodeAtLeast(running, MIN_NODE_VERSION)).toBe(ok);
  });

  it('throws an error naming both versions on an older Node.js', () => {
    const err = (() => {
      try {
        assertSupportedNode('20.20.2');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(OtelNodeVersionError);
    expect(isPodkitOtelError(err) && err.code).toBe('ERR_PODKIT_OTEL_NODE_VERSION');
    expect((err as Error).message).toBe('@podkit/otel requires Node.js >= 22.15.0 (running v20.20.2); upgrade Node.js');
    expect(() => assertSupportedNode(process.versions.node)).not.toThrow();
    expect(() => assertSupportedNode(undefined)).not.toThrow();
  });
});
