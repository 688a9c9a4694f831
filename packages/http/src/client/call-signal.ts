/**
 * The abort signal of one attempt: an EventEmitter-style object (`on`/`once`/`removeListener` and
 * `reason`) that undici's `request({ signal })` accepts. It is several times cheaper to create and
 * listen to than an `AbortController`'s `AbortSignal` (an `EventTarget`), which matters on a path
 * that runs for every call. It deliberately has no `aborted` property (undici would take it for an
 * `AbortSignal`); use {@link CallSignal.isAborted}.
 * @internal
 */
export class CallSignal {
  /** Why the signal aborted; `undefined` until it does. */
  reason: Error | undefined = undefined;
  #listeners: (() => void)[] | undefined = undefined;
  #attached: { abort(reason: Error): void } | undefined = undefined;

  /** Whether it has aborted. */
  get isAborted(): boolean {
    return this.reason !== undefined;
  }

  /** Adds an abort listener (called at most once). */
  on(_event: 'abort', listener: () => void): this {
    (this.#listeners ??= []).push(listener);
    return this;
  }

  /** Same as {@link CallSignal.on}: the signal aborts at most once. */
  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  /** Removes an abort listener. */
  removeListener(_event: 'abort', listener: () => void): this {
    const list = this.#listeners;
    if (list !== undefined) {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }

  /**
   * Attaches the in-flight request of the attempt (one at a time; a later attempt that reuses the
   * signal replaces it): aborted with the signal, at once if it has already aborted. Cheaper than a
   * listener closure.
   */
  attach(target: { abort(reason: Error): void }): void {
    if (this.reason !== undefined) {
      target.abort(this.reason);
      return;
    }
    this.#attached = target;
  }

  /** Detaches `target` if it is the attached request. */
  detach(target: { abort(reason: Error): void }): void {
    if (this.#attached === target) this.#attached = undefined;
  }

  /** Aborts with `reason`, aborts the attached request and calls the listeners (once). */
  abort(reason: Error): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const attached = this.#attached;
    this.#attached = undefined;
    attached?.abort(reason);
    const list = this.#listeners;
    this.#listeners = undefined;
    if (list !== undefined) for (const listener of list) listener();
  }
}
