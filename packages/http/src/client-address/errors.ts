import { PodkitHttpError } from '../errors.ts';

/**
 * A trusted-proxy entry is neither an IP address nor a CIDR range (`10.0.0.0/8`, `fd00::/8`,
 * `127.0.0.1`). Thrown by {@link trustedProxies} and {@link createClientAddressResolver}; a
 * config schema refuses the entry first when it uses {@link isAddressOrRange}.
 *
 * Code: `ERR_PODKIT_HTTP_TRUSTED_PROXY`.
 *
 * @example
 * ```ts
 * try { trustedProxies(['gateway']); }
 * catch (err) { if (err instanceof TrustedProxyError) console.error(err.entry, err.index); }
 * ```
 */
export class TrustedProxyError extends PodkitHttpError {
  /** The entry as given, e.g. `gateway`. */
  readonly entry: string;
  /** Its position in the list given. */
  readonly index: number;

  /**
   * @param entry - the entry as given
   * @param index - its position in the list
   */
  constructor(entry: string, index: number) {
    super(
      'ERR_PODKIT_HTTP_TRUSTED_PROXY',
      `trusted proxy ${JSON.stringify(entry)} (entry ${index}) is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)`,
    );
    this.entry = entry;
    this.index = index;
  }
}
