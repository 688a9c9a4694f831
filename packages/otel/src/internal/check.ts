import type { TracerProvider } from '@opentelemetry/api';
import type { ApiCopy } from './api-copy.ts';

/** A party that reads the API globals: podkit (`@podkit/core`), or the SDK's own tracer. */
export interface ApiReader {
  /** Log field name, e.g. `podkit`. */
  readonly key: string;
  /** Who it is, in the message, e.g. `podkit`. */
  readonly who: string;
  readonly copy: ApiCopy;
}

/** What the startup check found wrong; `undefined` from {@link checkRegistration} when nothing. */
export interface RegistrationProblem {
  /** Log fields: the registering copy's and every blind reader's version and path. */
  readonly fields: Record<string, { readonly version: string; readonly path: string }>;
  /** The warning: what happened, the consequence, the fix. */
  readonly message: string;
}

const FIX =
  'Fix: make every @opentelemetry/* package accept one @opentelemetry/api version (the SDK 3.x packages for API 1.10), ' +
  'then `npm ls @opentelemetry/api` must show one version with every other line `deduped` (`npm dedupe` after aligning the ranges). See docs/otel.md.';

/** Whether `copy` finds `provider` as the global tracer provider. */
function sees(copy: ApiCopy, provider: TracerProvider): boolean {
  const seen = copy.api.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  return (seen.getDelegate?.() ?? seen) === provider;
}

/**
 * Whether every reader sees `provider`, which was registered through `registered`. The API
 * shares its globals across copies, but a copy ignores globals registered by an older minor
 * version (and a copy of another major version never sees them): podkit would then find no
 * tracer provider, create no spans and log no trace ids, and an SDK reading a blind copy would
 * lose every span's parent.
 */
export function checkRegistration(provider: TracerProvider, registered: ApiCopy, readers: readonly ApiReader[]): RegistrationProblem | undefined {
  const blind = readers.filter((r) => !sees(r.copy, provider));
  if (blind.length === 0) return undefined;
  const fields = Object.fromEntries([
    ['registered', { version: registered.version, path: registered.path }],
    ...blind.map((r) => [r.key, { version: r.copy.version, path: r.copy.path }] as const),
  ]);
  const elsewhere = blind.filter((r) => r.copy.path !== registered.path);
  if (elsewhere.length === 0) {
    return {
      fields,
      message:
        `another tracer provider was registered globally before startTelemetry() (through @opentelemetry/api ${registered.version} at ${registered.path}): ` +
        `${blind.map((r) => r.who).join(' and ')} ${blind.length > 1 ? 'use' : 'uses'} that one, and the provider started here exports nothing. Register one SDK per process: remove the other registration ` +
        '(a preloaded --import/--require SDK, a second startTelemetry() call), or shut the first telemetry down before starting another.',
    };
  }
  const byPath = new Map<string, ApiReader[]>();
  for (const r of elsewhere) byPath.set(r.copy.path, [...(byPath.get(r.copy.path) ?? []), r]);
  const users = [...byPath.values()].map((rs) => {
    const names = rs.map((r) => r.who).join(' and ');
    return `${names} ${rs.length > 1 ? 'use' : 'uses'} @opentelemetry/api ${rs[0]!.copy.version} at ${rs[0]!.copy.path}`;
  });
  return {
    fields,
    message:
      `two copies of @opentelemetry/api are loaded: the SDK was registered through @opentelemetry/api ${registered.version} at ${registered.path}, ` +
      `but ${users.join(', and ')}, which does not see it, so podkit creates no spans and logs no trace ids (or spans lose their parents). ${FIX}`,
  };
}
