/** Extracts the token of an `Authorization: Bearer <token>` header, or `undefined`. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer +([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return m?.[1];
}
