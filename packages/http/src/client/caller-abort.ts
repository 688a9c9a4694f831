/**
 * A caller-side abort signal for calls of podkit's own client: the part of `AbortSignal` the call
 * engine reads (`aborted`, `reason`, `addEventListener`/`removeEventListener` of `abort`), without
 * the `EventTarget` behind a real one. Creating an `AbortController`, reading its `signal` and
 * adding and removing one listener costs several µs per call on Node 24 (measured at 5 to 11 µs
 * on the benchmark machine), which a proxy pays for every request it forwards; this costs an
 * object. Hand it only to a client {@link isPodkitClient} accepts: another `HttpClient` may pass
 * the signal to code that needs a real `AbortSignal`.
 * @internal
 */
export class CallerAbort {
  /** Whether {@link CallerAbort.abort} was called. */
  aborted = false;
  /** The reason given to {@link CallerAbort.abort}. */
  reason: unknown = undefined;
  #listeners: (() => void)[] | undefined = undefined;

  /** Adds an `abort` listener (called once, when the caller aborts). */
  addEventListener(_type: 'abort', listener: () => void): void {
    (this.#listeners ??= []).push(listener);
  }

  /** Removes an `abort` listener. */
  removeEventListener(_type: 'abort', listener: () => void): void {
    const list = this.#listeners;
    if (list === undefined) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  /** Aborts (once): sets `aborted` and `reason` and calls the listeners. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.#listeners;
    this.#listeners = undefined;
    if (list !== undefined) for (const listener of list) listener();
  }

  /** This object typed as the `signal` option of podkit's client (which reads only the members above). */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
