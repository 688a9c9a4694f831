import { EventEmitter } from 'node:events';
import { defineConfig, duration, reloadable, secret } from '@podkit/config';
import { z } from 'zod';
import { capture, type Capture } from './capture.ts';

/** A config with every conventional key, a restart-only key and a secret. */
export const definition = defineConfig(
  z.object({
    port: z.number().int().min(0).max(65_535).default(0),
    admin: z.object({ port: z.number().int().min(0).max(65_535).default(0) }),
    log: z.object({ level: reloadable(z.enum(['debug', 'info', 'warn', 'error', 'silent', 'loud']).default('info')) }),
    shutdown: z.object({ gracePeriod: duration({ unit: 's' }).optional() }),
    greeting: z.string().default('hello'),
    apiKey: secret(z.string().min(8)),
  }),
);

/** A fake process for the lifecycle's signal handlers, an exit recorder and a log capture. */
export interface Harness {
  readonly proc: EventEmitter;
  readonly logs: Capture;
  readonly exited: Promise<number>;
  readonly options: {
    env: Record<string, string>;
    destination: Capture;
    process: EventEmitter;
    exit: (code: number) => void;
    configSources: { configDir: string | false; secretsDir: false; envFile: false };
  };
}

export const API_KEY = 'canary-api-key-0123';

export function harness(env: Record<string, string> = {}, configDir: string | false = false): Harness {
  const proc = new EventEmitter();
  const logs = capture();
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  return {
    proc,
    logs,
    exited,
    options: { env: { API_KEY, ...env }, destination: logs, process: proc, exit, configSources: { configDir, secretsDir: false, envFile: false } },
  };
}
