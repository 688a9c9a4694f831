import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, isLogLevel, isPodkitError, runWithRequestContext, withSpan } from '../src/index.ts';
import { capture } from './helpers/capture.ts';

const service = { name: 'posts', version: '1.2.3' };

describe('createLogger', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new TracerProvider());
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('writes one JSON object per line with ISO time, level word, msg, service, version and pod', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out, podName: 'posts-7d9f-abcde' });
    logger.info('hello');
    expect(out.raw).toHaveLength(1);
    const line = out.lines[0]!;
    expect(line).toMatchObject({ level: 'info', msg: 'hello', service: 'posts', version: '1.2.3', pod: 'posts-7d9f-abcde' });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('serializes err with type, message, stack and cause', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out });
    const cause = new TypeError('socket closed');
    logger.error({ err: new Error('query failed', { cause }) }, 'db error');
    const { err } = out.lines[0]!;
    expect(err).toMatchObject({ type: 'Error', message: 'query failed' });
    expect(err.stack).toContain('query failed');
    expect(err.cause).toMatchObject({ type: 'TypeError', message: 'socket closed' });
  });

  it('child loggers carry their bindings', () => {
    const out = capture();
    createLogger({ service, destination: out }).child({ component: 'db' }).warn('slow');
    expect(out.lines[0]).toMatchObject({ component: 'db', level: 'warn', service: 'posts' });
  });

  it('adds trace_id and span_id inside an active span, nothing outside', async () => {
    const out = capture();
    const logger = createLogger({ service, destination: out });
    let ids: { traceId: string; spanId: string } | undefined;
    await withSpan('work', async (span) => {
      ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      await Promise.resolve();
      logger.info('inside');
    });
    logger.info('outside');
    expect(ids!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(out.lines[0]).toMatchObject({ trace_id: ids!.traceId, span_id: ids!.spanId });
    expect(out.lines[1]).not.toHaveProperty('trace_id');
  });

  it('adds request_id inside a request context', async () => {
    const out = capture();
    const logger = createLogger({ service, destination: out });
    await runWithRequestContext({ requestId: 'req-42' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('handled');
    });
    expect(out.lines[0]).toMatchObject({ request_id: 'req-42' });
  });

  it('redacts sensitive keys at any reasonable depth, including request headers', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out });
    logger.info(
      {
        password: 'hunter2-top',
        req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=1', 'set-cookie': ['sid=2'], accept: 'json' } },
        user: { credentials: { token: 'tok-123456', apiKey: 'key-123456' } },
        clientSecret: 'cs-123456',
      },
      'login',
    );
    const raw = out.raw[0]!;
    for (const secret of ['hunter2-top', 'abc.def', 'sid=1', 'sid=2', 'tok-123456', 'key-123456', 'cs-123456']) {
      expect(raw).not.toContain(secret);
    }
    expect(out.lines[0]!.req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'set-cookie': '[redacted]',
      accept: 'json',
    });
  });

  it('redacts secret-looking keys, error properties and child bindings without mutating the caller', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out, redactKeys: ['ssn'] });
    const input = { config: { dbPassword: 'pw-123456', webhook_secret: 'wh-123456', csrfToken: 'ct-123456', maxTokens: 5 }, ssn: '078-05-1120' };
    logger.info(input, 'cfg');
    expect(out.lines[0]!.config).toEqual({ dbPassword: '[redacted]', webhook_secret: '[redacted]', csrfToken: '[redacted]', maxTokens: 5 });
    expect(out.lines[0]!.ssn).toBe('[redacted]');
    expect(input.config.dbPassword).toBe('pw-123456');

    const err = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Bearer leaked' } } });
    logger.error({ err }, 'upstream');
    expect(out.raw[1]).not.toContain('leaked');
    expect(out.lines[1]!.err).toMatchObject({ type: 'Error', message: 'request failed', config: { headers: { Authorization: '[redacted]' } } });

    logger.child({ headers: { cookie: 'sid=secret-cookie' } }).info('child');
    expect(out.raw[2]).not.toContain('secret-cookie');
    expect(out.lines[2]!.headers).toEqual({ cookie: '[redacted]' });

    const deep = { a: { b: { c: { token: 'deep-123456' } } }, list: [{ password: 'in-array-1' }] };
    logger.info(deep, 'deep');
    expect(out.raw[3]).not.toContain('deep-123456');
    expect(out.raw[3]).not.toContain('in-array-1');
  });

  it('keeps boolean flags under secret-looking keys (a config provenance line) and uses the config marker', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out });
    // The shape of @podkit/config's configSources(): one entry per key, `secret` a flag.
    const entry = { key: 'database.password', value: '[redacted]', source: 'secret', secret: true };
    logger.info({ config: [entry], apiKey: 'k-123456' }, 'config');
    expect(out.lines[0]).toMatchObject({ config: [entry], apiKey: '[redacted]' });
  });

  it('redacts secret values anywhere in the line and picks up new values after a reload', () => {
    const out = capture();
    let secrets = ['s3cr3t-db-pass'];
    const logger = createLogger({ service, destination: out, redactValues: () => secrets });
    logger.info({ dsn: 'postgres://app:s3cr3t-db-pass@db/app' }, 'connecting with s3cr3t-db-pass');
    expect(out.raw[0]).not.toContain('s3cr3t-db-pass');
    expect(out.lines[0]!.dsn).toBe('postgres://app:[redacted]@db/app');
    secrets = ['rotated"value\\x'];
    logger.error(new Error('auth failed for rotated"value\\x'));
    expect(out.raw[1]).not.toContain('rotated');
    expect(out.lines[1]!.err.message).toBe('auth failed for [redacted]');
  });

  it('changes level at runtime', () => {
    const out = capture();
    const logger = createLogger({ service, destination: out, level: 'info' });
    logger.debug('hidden');
    logger.level = 'debug';
    logger.debug('shown');
    expect(out.lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('rejects an unknown level with a clear error', () => {
    expect(isLogLevel('verbose')).toBe(false);
    try {
      createLogger({ service, destination: capture(), level: 'verbose' as 'info' });
      expect.unreachable();
    } catch (err) {
      expect(isPodkitError(err) && err.code).toBe('ERR_PODKIT_INVALID_OPTION');
      expect((err as Error).message).toContain('level');
    }
  });

  it('falls back to JSON when pino-pretty is not installed', () => {
    const logger = createLogger({ service, pretty: true, level: 'silent' });
    expect(logger.level).toBe('silent');
  });
});
