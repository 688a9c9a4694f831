import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferedDestination, createLogger } from '@podkit/core';
import type { Logger } from '@podkit/core';
import { serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { AccessLog } from '../../src/server/access-log.ts';
import type { AccessLogEntry } from '../../src/server/access-log.ts';
import { send } from './helpers/http.ts';
import { captureLines, createTestService } from './helpers/service.ts';
import type { LogLine } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function entry(overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    method: 'GET',
    route: '/posts/:id',
    path: '/posts/7',
    status: 200,
    durationMs: 1.5,
    bytes: 42,
    request_id: 'req-1',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    span_id: 'b7ad6b7169203331',
    aborted: false,
    ...overrides,
  };
}

/** A logger (made by `make`) writing raw lines into an array. */
function rawLogger(make: (dest: { write(s: string): void }) => Logger): { logger: Logger; raw: string[] } {
  const raw: string[] = [];
  return { logger: make({ write: (s: string) => void raw.push(s) }), raw };
}

describe('access-log line format', () => {
  it('has the same schema as every other line of the service (one schema for log pipelines)', async () => {
    const t = createTestService('posts');
    const server = await serve(t.service, (_req, res) => res.setHeader('content-length', 2).end('ok'), { port: 0, host: '127.0.0.1' });
    servers.push(server);
    t.service.logger.info({ userId: 'u1' }, 'regular line');
    await send(server.port, { path: '/a/b?token=xyz', headers: { 'x-request-id': 'req-xyz-1' } });
    const regular = t.lines.find((l) => l.msg === 'regular line')!;
    const access = t.lines.find((l) => l.msg === 'request completed')!;
    const base = ['level', 'time', 'service', 'version', 'pod', 'msg'];
    expect(Object.keys(regular).sort()).toEqual([...base, 'userId'].sort());
    expect(Object.keys(access).sort()).toEqual([...base, 'method', 'route', 'path', 'status', 'durationMs', 'bytes', 'request_id', 'aborted'].sort());
    for (const key of base.filter((k) => k !== 'msg' && k !== 'time')) expect(access[key], key).toEqual(regular[key]);
    for (const line of [regular, access]) {
      expect(line.time).toMatch(ISO);
      expect(line.level).toBe('info');
      expect(Object.keys(line)[0]).toBe('level'); // same member order: level, time, bindings, fields, msg
      expect(Object.keys(line).slice(1, 5)).toEqual(['time', 'service', 'version', 'pod']);
      expect(Object.keys(line).at(-1)).toBe('msg');
    }
    expect(access).toMatchObject({ service: 'posts', version: '1.0.0', method: 'GET', route: 'unmatched', path: '/a/b', status: 200, bytes: 2, request_id: 'req-xyz-1', aborted: false });
    expect(JSON.stringify(access)).not.toContain('xyz"'); // no query string
  });

  it("is byte-for-byte what core's logger itself writes for the same entry, at every level", () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T18:00:00.123Z') });
    const { logger, raw } = rawLogger((destination) => createLogger({ service: { name: 's', version: '2' }, podName: 'pod-1', destination, pretty: false }));
    const log = new AccessLog(logger);
    expect(log.fast).toBe(true);
    const entries = [
      entry(),
      entry({ status: 404, bytes: undefined, trace_id: undefined, span_id: undefined }),
      entry({ status: 503, durationMs: 0.001 }),
      entry({ status: 499, aborted: true, bytes: Number.NaN }),
      // durations: integers, one to three decimals, and values the integer formatting leaves to String()
      ...[0, 12, 0.05, 1.2, 1234.567, 2_147_483.647, 3e9, 1 / 3, Number.POSITIVE_INFINITY].map((durationMs) => entry({ durationMs })),
      // everything that needs JSON escaping: quotes, backslashes, control characters, non-ASCII, lone surrogates
      entry({ path: '/a"b\\c\n\u0000/é/日本/\ud83d\ude00/\ud800', route: 'unmatched', request_id: 'id"\\' }),
    ];
    for (const e of entries) {
      raw.length = 0;
      log.write(e);
      const level = e.aborted || (e.status >= 400 && e.status < 500) ? 'warn' : e.status >= 500 ? 'error' : 'info';
      logger[level](e, e.aborted ? 'request aborted' : 'request completed');
      expect(raw).toHaveLength(2);
      expect(raw[0]).toBe(raw[1]);
      expect(JSON.parse(raw[0]!)).toMatchObject({ level, time: '2026-11-24T18:00:00.123Z', path: e.path, request_id: e.request_id });
    }
  });

  it("hands lines to podkit's buffered destination with their level: 2xx batched, 5xx written at once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'podkit-access-'));
    const file = join(dir, 'log');
    const fd = openSync(file, 'w');
    const destination = bufferedDestination({ fd, flushIntervalMs: 60_000 });
    try {
      const logger = createLogger({ service: { name: 's', version: '2' }, destination, pretty: false });
      const log = new AccessLog(logger);
      expect(log.fast).toBe(true);
      const lines = (): LogLine[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogLine);
      log.write(entry({ path: '/first' })); // the first line after a quiet spell goes out at once
      log.write(entry({ path: '/second' })); // then batched
      expect(lines().map((l) => l.path)).toEqual(['/first']);
      log.write(entry({ path: '/third', status: 500 })); // an error line: written with what is buffered
      expect(lines().map((l) => [l.path, l.level])).toEqual([['/first', 'info'], ['/second', 'info'], ['/third', 'error']]);
      log.write(entry({ path: '/fourth', status: 404 }));
      expect(lines()).toHaveLength(3);
      destination.flushSync();
      expect(lines().map((l) => [l.path, l.level])).toContainEqual(['/fourth', 'warn']);
    } finally {
      destination.end();
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the time current across milliseconds (the ISO string is cached per millisecond only)', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T18:00:00.123Z') });
    const { logger, raw } = rawLogger((destination) => createLogger({ service: { name: 's', version: '2' }, destination, pretty: false }));
    const log = new AccessLog(logger);
    log.write(entry());
    log.write(entry());
    vi.setSystemTime(new Date('2026-11-24T18:00:00.124Z'));
    log.write(entry());
    expect(raw.map((l) => (JSON.parse(l) as LogLine).time)).toEqual(['2026-11-24T18:00:00.123Z', '2026-11-24T18:00:00.123Z', '2026-11-24T18:00:00.124Z']);
  });

  it('still masks secret values from config (redactValues) in the path, route and request id', async () => {
    const { stream, lines } = captureLines();
    const secret = 'hunter2-super-secret';
    const logger = createLogger({ service: { name: 's', version: '1' }, destination: stream, pretty: false, redactValues: () => [secret] });
    const server = await serve({ ...createTestService().service, logger }, (_req, res) => res.end(), { port: 0, host: '127.0.0.1' });
    servers.push(server);
    await send(server.port, { path: `/reset/${secret}`, headers: { 'x-request-id': `${secret}-1` } });
    const access = lines.find((l) => l.msg === 'request completed');
    expect(access).toMatchObject({ path: '/reset/[redacted]', request_id: '[redacted]-1' });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('chooses the level by status and honours the logger level', () => {
    const { logger, raw } = rawLogger((destination) => createLogger({ service: { name: 's', version: '2' }, destination, pretty: false, level: 'warn' }));
    const log = new AccessLog(logger);
    log.write(entry({ status: 200 }));
    log.write(entry({ status: 302 }));
    log.write(entry({ status: 404 }));
    log.write(entry({ status: 500 }));
    log.write(entry({ status: 499, aborted: true }));
    expect(raw.map((l) => JSON.parse(l) as LogLine).map((l) => [l.level, l.status, l.msg])).toEqual([
      ['warn', 404, 'request completed'],
      ['error', 500, 'request completed'],
      ['warn', 499, 'request aborted'],
    ]);
    logger.level = 'info'; // runtime change is seen at once
    log.write(entry({ status: 201 }));
    expect(JSON.parse(raw.at(-1)!)).toMatchObject({ level: 'info', status: 201 });
  });

  it('carries child bindings, like any line of that logger', () => {
    const { logger, raw } = rawLogger((destination) => createLogger({ service: { name: 's', version: '2' }, destination, pretty: false }));
    new AccessLog(logger.child({ component: 'http' })).write(entry());
    expect(JSON.parse(raw[0]!)).toMatchObject({ service: 's', component: 'http', route: '/posts/:id' });
  });

  it("falls back to pino's serializer when the logger would change the access fields", () => {
    const renaming = rawLogger((destination) =>
      pino({ formatters: { log: (o: Record<string, unknown>) => ({ ...o, path: 'hidden' }) } }, destination),
    );
    const renamingLog = new AccessLog(renaming.logger);
    expect(renamingLog.fast).toBe(false);
    renamingLog.write(entry());
    expect(JSON.parse(renaming.raw[0]!)).toMatchObject({ path: 'hidden', level: 30 });

    const mixin = rawLogger((destination) => pino({ mixin: () => ({ region: 'eu' }) }, destination));
    const mixinLog = new AccessLog(mixin.logger);
    expect(mixinLog.fast).toBe(false);
    mixinLog.write(entry());
    expect(JSON.parse(mixin.raw[0]!)).toMatchObject({ region: 'eu', route: '/posts/:id' });

    const prefixed = rawLogger((destination) => createLogger({ service: { name: 's', version: '2' }, destination, pretty: false }).child({}, { msgPrefix: '[http] ' }));
    const prefixedLog = new AccessLog(prefixed.logger);
    expect(prefixedLog.fast).toBe(false);
    prefixedLog.write(entry());
    expect(JSON.parse(prefixed.raw[0]!)).toMatchObject({ msg: '[http] request completed', service: 's' });
  });

  it("writes a plain pino logger's format too (numeric level, epoch time)", () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 });
    const { logger, raw } = rawLogger((destination) => pino({ base: { app: 'x' } }, destination));
    const log = new AccessLog(logger);
    expect(log.fast).toBe(true);
    log.write(entry());
    logger.info(entry(), 'request completed');
    expect(raw[0]).toBe(raw[1]);
    expect(JSON.parse(raw[0]!)).toMatchObject({ level: 30, time: 1_700_000_000_000, app: 'x' });
  });
});
