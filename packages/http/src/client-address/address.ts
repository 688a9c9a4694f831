import { isIP } from 'node:net';

/** `::ffff:10.0.0.7`, `0:0:0:0:0:ffff:10.0.0.7` (any case): the IPv4 address is the rest. */
const MAPPED_DOTTED = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
/** `::ffff:a00:7`: the same address written in hex. */
const MAPPED_HEX = /^(?:::|(?:0{1,4}:){5})ffff:([\da-f]{1,4}):([\da-f]{1,4})$/i;

/**
 * The address as a client would recognise it: an IPv4-mapped IPv6 address (what a server
 * listening on `::` sees for an IPv4 caller) becomes the IPv4 address; anything else is returned
 * unchanged, an IPv6 zone id (`fe80::1%eth0`) included.
 */
export function normalizeAddress(address: string): string {
  if (!address.includes(':')) return address; // IPv4 (or no address)
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7); // the common spelling, fast
  if (!/ffff:/i.test(address)) return address;
  const dotted = MAPPED_DOTTED.exec(address);
  if (dotted !== null) return isIP(dotted[1]!) === 4 ? dotted[1]! : address;
  const hex = MAPPED_HEX.exec(address);
  if (hex === null) return address;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** `1*5DIGIT` (RFC 7239 `port`) or `_` and a token (`obfport`). */
const PORT = /^(?:\d{1,5}|_[\w.-]+)$/;

/**
 * The address in one proxy hop, or `undefined` when it names none: `203.0.113.9`,
 * `2001:db8::1`, `[2001:db8::1]`, `203.0.113.9:4711` and `[2001:db8::1]:4711` are addresses;
 * `unknown`, an obfuscated identifier (`_hidden`), a host name and anything malformed are not.
 * The result is normalised ({@link normalizeAddress}).
 */
export function hopAddress(node: string): string | undefined {
  let address = node;
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    if (close < 0) return undefined;
    const rest = node.slice(close + 1);
    if (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1)))) return undefined;
    address = node.slice(1, close);
    if (isIP(address) !== 6) return undefined;
  } else if (isIP(node) === 0) {
    const colon = node.lastIndexOf(':');
    if (colon < 0 || !PORT.test(node.slice(colon + 1))) return undefined;
    address = node.slice(0, colon);
    if (isIP(address) !== 4) return undefined;
  }
  return normalizeAddress(address);
}
