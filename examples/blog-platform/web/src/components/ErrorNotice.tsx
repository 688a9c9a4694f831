import { useEffect, useState, type ReactNode } from 'react';
import { describeError, type DescribeContext } from '../api/describeError.ts';

/** A described problem (title and plain-words message) as an alert; nothing when there is none. */
export function ProblemNotice({ problem }: { problem: { title: string; message: string } | null | undefined }): ReactNode {
  if (!problem) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{problem.title}</p>
      <p>{problem.message}</p>
    </div>
  );
}

/**
 * Says in plain words what went wrong (from any thrown value, usually an ApiError), with a
 * "Try again" button when trying again may help.
 */
export function ErrorNotice({
  error,
  onRetry,
  ...context
}: { error: unknown; onRetry?: () => void } & DescribeContext): ReactNode {
  const { title, message, retryable } = describeError(error, context);
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title}</p>
      <p>{message}</p>
      {onRetry && retryable ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** After this long, a loading line adds that the service is slow. */
export const SLOW_AFTER_MS = 3000;

/**
 * A polite "Loading …" line that screen readers announce; after {@link SLOW_AFTER_MS} it says
 * the service is slow to answer, so a slow service never looks like a blank page.
 */
export function Loading({ children }: { children: ReactNode }): ReactNode {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <p className="loading" role="status">
      {children}
      {slow ? ' This is taking longer than usual; the service may be busy.' : null}
    </p>
  );
}
