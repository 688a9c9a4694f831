import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DoctorNodeVersionError, isDoctorError } from '../src/index.ts';
import { MIN_NODE_VERSION, assertSupportedNode, isNodeAtLeast } from '../src/node-version.ts';

describe('the Node.js version check run by importing @podkit/doctor', () => {
  it('requires the version of package.json engines.node, as the podkit bin does', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    expect(readFileSync(new URL('../src/bin.ts', import.meta.url), 'utf8')).toContain(`const MIN_NODE = [${MIN_NODE_VERSION.split('.').join(', ')}] as const;`);
  });

  it.each([
    ['20.20.2', false],
    ['v22.11.9', false],
    ['22.12.0', true],
    ['v24.1.0', true],
  ] as const)('%s is supported: %s', (running, ok) => {
    expect(isNodeAtLeast(running, MIN_NODE_VERSION)).toBe(ok);
  });

  it('throws an error naming both versions on an older Node.js, nothing on this one or without process', () => {
    expect(() => assertSupportedNode('20.20.2')).toThrow(DoctorNodeVersionError);
    try {
      assertSupportedNode('20.20.2');
    } catch (err) {
      expect(isDoctorError(err) && err.code).toBe('ERR_PODKIT_DOCTOR_NODE_VERSION');
      expect((err as Error).message).toBe('@podkit/doctor requires Node.js >= 22.12.0 (running v20.20.2); upgrade Node.js');
    }
    expect(() => assertSupportedNode(process.versions.node)).not.toThrow();
    expect(() => assertSupportedNode(undefined)).not.toThrow();
  });
});
