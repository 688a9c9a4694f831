import { describe, expect, it } from 'vitest';
import { ConnectionError, InvalidRequestError, InvalidResponseError, sendUpstreamProblem } from '../../src/index.ts';
import type { UpstreamFailure } from '../../src/index.ts';
import { send } from '../server/helpers/http.ts';
import { plainServer, useCleanup } from './helpers.ts';

useCleanup();

describe('sendUpstreamProblem', () => {
  it('answers each client failure with its problem: 400 for a request that cannot be sent, 502 for a malformed answer', async () => {
    const failures: Record<string, Error> = {
      '/invalid-request': new InvalidRequestError('invalid x-bad header (UND_ERR_INVALID_ARG)'),
      '/invalid-response': new InvalidResponseError('', 'malformed HTTP response'),
      '/connection': new ConnectionError('http://up', 'ECONNRESET'),
    };
    const reasons: UpstreamFailure[] = [];
    const up = await plainServer((req, res) => {
      reasons.push(sendUpstreamProblem(res, 'posts', failures[req.url ?? '']));
    });
    const bad = await send(up.port, { path: '/invalid-request' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ status: 400, detail: 'the request cannot be forwarded to posts' });
    // the problem does not repeat the client's message (it may name a caller's header)
    expect(bad.text).not.toContain('x-bad');
    expect((await send(up.port, { path: '/invalid-response' })).status).toBe(502);
    expect((await send(up.port, { path: '/connection' })).status).toBe(503);
    expect(reasons).toEqual(['bad request', 'bad gateway', 'connection failed']);
  });
});
