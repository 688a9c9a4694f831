import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@podkit/http';
import type { Problem } from '@podkit/http';

/**
 * Sends `p` through Fastify's reply (so `onSend` and `onResponse` hooks run) as
 * `application/problem+json`, with the headers podkit's own problem responses carry.
 * @internal
 */
export function replyProblem(reply: FastifyReply, p: Problem, headers?: Readonly<Record<string, string>>): FastifyReply {
  void reply.code(p.status).header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store');
  if (headers !== undefined) void reply.headers(headers);
  // A Buffer, so Fastify adds no `; charset=utf-8` to the problem media type.
  return reply.send(Buffer.from(JSON.stringify({ type: 'about:blank', ...p })));
}
