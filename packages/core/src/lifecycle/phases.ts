import type { Logger } from 'pino';
import { runBounded } from './run-bounded.ts';
import type { DrainResult, Drainer, ShutdownHook } from './types.ts';

/** Work in progress, by name, for the "still pending" log when the budget runs out. */
export type Pending = Set<string>;

/** Runs every drainer and waits for tracked work, concurrently, until `deadline`. Returns success. */
export async function runDrain(
  drainers: readonly Drainer[],
  tracked: ReadonlySet<Promise<unknown>>,
  deadline: number,
  log: Logger,
  pending: Pending,
): Promise<boolean> {
  const controller = new AbortController();
  let ok = true;
  const tasks = drainers.map(async (drainer) => {
    const label = `drainer ${drainer.name}`;
    pending.add(label);
    try {
      const result = (await drainer.drain({ deadline, signal: controller.signal })) as DrainResult | undefined;
      if (result !== undefined && result !== null && typeof result === 'object') {
        if (result.completed === false || (result.cut ?? 0) > 0 || (result.dropped ?? 0) > 0) ok = false;
        log.info({ drainer: drainer.name, result }, 'drainer finished');
      } else {
        log.info({ drainer: drainer.name }, 'drainer finished');
      }
    } catch (err) {
      ok = false;
      log.error({ err, drainer: drainer.name }, 'drainer failed');
    } finally {
      pending.delete(label);
    }
  });
  tasks.push(
    (async (): Promise<void> => {
      // Tracked work may start more tracked work; wait until the set stays empty.
      while (tracked.size > 0) {
        const label = `${String(tracked.size)} tracked task(s)`;
        pending.add(label);
        await Promise.allSettled([...tracked]);
        pending.delete(label);
      }
    })(),
  );
  const outcome = await runBounded(() => Promise.all(tasks), deadline - Date.now());
  if (outcome.kind === 'timeout') {
    controller.abort(new Error('drain deadline reached'));
    log.error({ pending: [...pending] }, 'drain deadline reached; work still pending was cut');
    pending.clear();
    return false;
  }
  return ok;
}

/** Runs hooks in reverse registration order, each bounded by its timeout and the phase deadline. */
export async function runHooks(
  hooks: readonly ShutdownHook[],
  defaultTimeoutMs: number,
  deadline: number,
  log: Logger,
  pending: Pending,
): Promise<boolean> {
  let ok = true;
  for (const hook of [...hooks].reverse()) {
    const budget = Math.min(hook.timeoutMs ?? defaultTimeoutMs, deadline - Date.now());
    if (budget <= 0) {
      ok = false;
      log.error({ hook: hook.name }, 'shutdown hook skipped: hooks budget exhausted');
      continue;
    }
    const label = `hook ${hook.name}`;
    pending.add(label);
    const started = Date.now();
    const outcome = await runBounded((signal) => hook.run(signal), budget);
    pending.delete(label);
    const durationMs = Date.now() - started;
    if (outcome.kind === 'done') log.info({ hook: hook.name, durationMs }, 'shutdown hook done');
    else if (outcome.kind === 'timeout') {
      ok = false;
      log.error({ hook: hook.name, timeoutMs: budget }, 'shutdown hook timed out; continuing');
    } else {
      ok = false;
      log.error({ hook: hook.name, err: outcome.error, durationMs }, 'shutdown hook failed; continuing');
    }
  }
  return ok;
}
