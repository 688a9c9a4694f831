import type { ReactNode } from 'react';
import { describeError, type DescribeContext } from '../api/describeError.ts';

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

/** A polite "Loading …" line that screen readers announce. */
export function Loading({ children }: { children: ReactNode }): ReactNode {
  return (
    <p className="loading" role="status">
      {children}
    </p>
  );
}
