import { runService } from '@podkit/service';
import type { z } from 'zod';
import { platformService, type ServiceDefinition } from './bootstrap.ts';
import { answerMemoryReports } from './memory-report.ts';

/**
 * Runs a platform service as its process entry point (`@podkit/service`'s `runService`: exit 78
 * for configuration problems, 1 for other startup failures, 0 after SIGTERM). A parent process
 * (`npm start`, the tests) learns the ephemeral ports over IPC: `{ type: 'listening' }` once the
 * server listens, `{ type: 'ready' }` once setup finished; it answers `{ type: 'memory-report' }`
 * (`deploy/measure-memory.ts`).
 */
export function main<S extends z.ZodObject>(def: ServiceDefinition<S>): void {
  const tell = (type: 'listening' | 'ready') => (a: { name: string; port: number; adminPort: number | undefined }) =>
    process.send?.({ type, service: a.name, port: a.port, adminPort: a.adminPort });
  answerMemoryReports();
  void runService(platformService(def), { onListening: tell('listening'), onReady: tell('ready') });
}
