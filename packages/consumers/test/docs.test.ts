/**
 * docs/queue-consumers.md stays in sync with the code: every metric the consumers register and
 * every option default in the code is in the page's tables, and the outcomes match.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consumerMetrics } from '../src/internal/metrics.ts';
import { testService } from './helpers/brokers.ts';

const page = readFileSync(new URL('../../../docs/queue-consumers.md', import.meta.url), 'utf8');

describe('docs/queue-consumers.md', () => {
  it('lists every consumer metric with its labels', async () => {
    const { service } = testService();
    const m = consumerMetrics(service.metrics);
    for (const metric of [m.messages, m.duration, m.inFlight]) {
      const { name } = await metric.get();
      const labels = (metric as unknown as { labelNames: string[] }).labelNames;
      expect(page).toContain(`| \`${name}\` | ${labels.map((l) => `\`${l}\``).join(', ')} |`);
    }
    await service.close();
  });

  it('gives the defaults the code uses', () => {
    const sources = ['amqp/consumer.ts', 'nats/consumer.ts', 'memory/consumer.ts'].map((f) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8')).join('\n');
    const defaults = [...sources.matchAll(/intOption\('(\w+)', options\.\w+, (\d[\d_]*),/g)].map((m) => [m[1]!, m[2]!.replaceAll('_', '')]);
    expect(defaults.length).toBeGreaterThanOrEqual(6);
    for (const [option, value] of defaults) expect(page, option).toMatch(new RegExp(`\\| \`${option}\` \\| [^|]+ \\| \`${value}\` \\|`));
  });

  it('gives the reconnection backoff defaults the code uses', () => {
    const source = readFileSync(new URL('../src/amqp/reconnect.ts', import.meta.url), 'utf8');
    const found = Object.fromEntries([...source.matchAll(/intOption\('reconnect\.(\w+)', options\?\.\w+, (\d[\d_]*),/g)].map((m) => [m[1]!, m[2]!.replaceAll('_', '')]));
    expect(Object.keys(found)).toEqual(['initialDelayMs', 'maxDelayMs']);
    expect(page).toContain(`| \`reconnect\` | RabbitMQ | \`{ initialDelayMs: ${found.initialDelayMs!}, maxDelayMs: ${found.maxDelayMs!} }\` |`);
  });

  it('names every message outcome', () => {
    const types = readFileSync(new URL('../src/types.ts', import.meta.url), 'utf8');
    const outcomes = /export type MessageOutcome = (.+);/.exec(types)![1]!.match(/'(\w+)'/g)!.map((o) => o.slice(1, -1));
    expect(page).toContain(`messages that left the consumer: ${outcomes.map((o) => `\`${o}\``).join(', ')}`);
  });
});
