import type { TracerProvider } from '@opentelemetry/api';
import type { ApiCopy } from './api-copy.ts';

/** What the startup check found wrong; `undefined` from {@link checkRegistration} when nothing. */
export interface RegistrationProblem {
  /** Log fields: both copies' versions and paths. */
  readonly fields: Record<string, unknown>;
  /** The warning: what happened, the consequence, the fix. */
  readonly message: string;
}

const FIX =
  'Fix: make every @opentelemetry/* package accept one @opentelemetry/api version (the SDK 3.x packages for API 1.10), ' +
  'then `npm ls @opentelemetry/api` must show one version with every other line `deduped` (`npm dedupe` after aligning the ranges). See docs/otel.md.';

/**
 * Whether the copy podkit uses (`podkit`) sees `provider`, which was registered through
 * `registered`. The API shares its globals across copies, but a copy ignores globals registered
 * by an older minor version (and a copy of another major version never sees them): podkit would
 * then find no tracer provider, create no spans and log no trace ids.
 */
export function checkRegistration(provider: TracerProvider, registered: ApiCopy, podkit: ApiCopy): RegistrationProblem | undefined {
  const seen = podkit.api.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  if ((seen.getDelegate?.() ?? seen) === provider) return undefined;
  const fields = {
    registered: { version: registered.version, path: registered.path },
    podkit: { version: podkit.version, path: podkit.path },
  };
  if (registered.path === podkit.path) {
    return {
      fields,
      message:
        `another tracer provider was registered globally before startTelemetry() (through @opentelemetry/api ${registered.version} at ${registered.path}): ` +
        'podkit uses that one, and the provider started here exports nothing. Register one SDK per process: remove the other registration ' +
        '(a preloaded --import/--require SDK, a second startTelemetry() call), or shut the first telemetry down before starting another.',
    };
  }
  return {
    fields,
    message:
      `two copies of @opentelemetry/api are loaded: the SDK was registered through @opentelemetry/api ${registered.version} at ${registered.path}, ` +
      `but podkit uses @opentelemetry/api ${podkit.version} at ${podkit.path}, which does not see it, so podkit creates no spans and logs no trace ids. ${FIX}`,
  };
}
