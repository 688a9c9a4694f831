import react from '@vitejs/plugin-react';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './scripts/summary-reporter.ts';

/**
 * One vitest project per package. Workspace packages resolve to their TypeScript
 * sources through the `@podkit/source` export condition, so tests need no build.
 */
const sourceConditions = ['@podkit/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@podkit/source'] } },
  test: {
    reporters: ['default', new SummaryReporter()],
    // Generous bounds: CI is a loaded 2-core machine and PGlite boots WebAssembly. Speed is
    // asserted in benchmarks, never through these timeouts.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'config', root: 'packages/config', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'core', root: 'packages/core', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'http', root: 'packages/http', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'otel', root: 'packages/otel', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'service', root: 'packages/service', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'consumers', root: 'packages/consumers', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'doctor', root: 'packages/doctor', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'fastify', root: 'packages/fastify', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'testing', root: 'packages/testing', include: ['test/**/*.test.ts'] } },
      // The benchmarks' shared plumbing (bench/lib), not the benchmarks themselves.
      { extends: true, test: { name: 'bench', root: 'bench', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'blog-platform', root: 'examples/blog-platform', include: ['test/**/*.test.ts'] },
      },
      {
        // The blog's React front end: component tests in a simulated DOM.
        plugins: [react()],
        test: {
          name: 'web',
          root: 'examples/blog-platform/web',
          environment: 'jsdom',
          include: ['src/**/*.test.tsx'],
        },
      },
    ],
  },
});
