import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/errors.ts';

/** State of data being loaded for a page. */
export type Resource<T> =
  | { status: 'loading'; data: undefined; error: undefined }
  | { status: 'ready'; data: T; error: undefined }
  | { status: 'error'; data: undefined; error: unknown };

/**
 * Loads data when `key` changes and cancels the request when the component unmounts or
 * `key` changes first. `reload()` loads again (e.g. from a "Try again" button).
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): Resource<T> & { reload: () => void; set: (data: T) => void } {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Resource<T> & { key: string }>({
    status: 'loading',
    data: undefined,
    error: undefined,
    key,
  });

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading', data: undefined, error: undefined, key });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data, error: undefined, key });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        setState({ status: 'error', data: undefined, error, key });
      },
    );
    return () => controller.abort();
    // `load` is re-created on every render; `key` says when the data to load changes.
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ status: 'ready', data, error: undefined, key }), [key]);
  const current: Resource<T> =
    state.key === key ? state : { status: 'loading', data: undefined, error: undefined };
  return { ...current, reload, set };
}
