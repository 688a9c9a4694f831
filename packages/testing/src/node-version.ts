import { TestingNodeVersionError } from './errors.ts';

/** The oldest Node.js `@podkit/testing` runs on: its `engines.node`. */
export const MIN_NODE_VERSION = '22.12.0';

/** Whether `running` (`20.20.2`, `v24.1.0`) is at least `minimum` (`major.minor.patch`). */
export function isNodeAtLeast(running: string, minimum: string): boolean {
  const have = running.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const need = minimum.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * Throws {@link TestingNodeVersionError} when the running Node.js is older than {@link MIN_NODE_VERSION}.
 * `undefined` (a runtime without `process.versions.node`) is let through.
 */
export function assertSupportedNode(running: string | undefined): void {
  if (running !== undefined && !isNodeAtLeast(running, MIN_NODE_VERSION)) throw new TestingNodeVersionError(MIN_NODE_VERSION, running);
}

// index.ts imports this module first: ES modules evaluate in import order, so an unsupported
// Node.js fails here, before any dependency runs.
assertSupportedNode(globalThis.process?.versions?.node);
