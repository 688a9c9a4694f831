/** What secret values print as, everywhere. */
export const REDACTED = '[redacted]';
