import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FastifyNodeVersionError, isPodkitFastifyError } from '../src/index.ts';
import { MIN_NODE_VERSION, assertSupportedNode } from '../src/node-version.ts';

describe('the Node.js version check run by importing @podkit/fastify', () => {
  it('requires the version of package.json engines.node, that of @podkit/http', () => {
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const http = JSON.parse(readFileSync(new URL('../../http/package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(own.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    expect(own.engines.node).toBe(http.engines.node);
  });

  it('throws an error naming both versions on an older Node.js, and nothing on this one', () => {
    try {
      assertSupportedNode('20.20.2');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FastifyNodeVersionError);
      expect(isPodkitFastifyError(err) && err.code).toBe('ERR_PODKIT_FASTIFY_NODE_VERSION');
      expect((err as Error).message).toBe('@podkit/fastify requires Node.js >= 22.19.0 (running v20.20.2); upgrade Node.js');
    }
    expect(() => assertSupportedNode(process.versions.node)).not.toThrow();
    expect(() => assertSupportedNode(undefined)).not.toThrow();
  });
});
