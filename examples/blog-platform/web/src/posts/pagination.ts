/**
 * Cursor pagination of the post list, kept in the URL (`/?cursor=…`, so a page survives a
 * reload and can be shared) plus the History API state (the cursors of the pages before it,
 * so "Newer posts" can step back one page at a time).
 */

/** Which page is shown and how we got here. */
export interface PagePosition {
  /** Cursor of the shown page; null for the newest page. */
  cursor: string | null;
  /** Cursors of the pages before this one, oldest first (null = the newest page). */
  trail: (string | null)[];
}

/** A link to another page of the list. */
export interface PageLink {
  to: string;
  state: { trail: (string | null)[] };
  label: string;
}

/** Reads the position from the URL's query string and the history entry's state. */
export function readPosition(search: string, state: unknown): PagePosition {
  const cursor = new URLSearchParams(search).get('cursor') || null;
  if (cursor === null) return { cursor: null, trail: [] };
  const raw = (state as { trail?: unknown } | null)?.trail;
  const trail =
    Array.isArray(raw) && raw.every((c) => c === null || typeof c === 'string') ? (raw as (string | null)[]) : [];
  return { cursor, trail };
}

/** The URL of the page that starts at `cursor`. */
export function pageUrl(cursor: string | null): string {
  return cursor === null ? '/' : `/?cursor=${encodeURIComponent(cursor)}`;
}

/**
 * Links to the neighbouring pages: `older` when the server gave a `nextCursor`; `newer` when
 * this is not the newest page (back along the trail, or to the newest page when the trail is
 * unknown, e.g. after a reload).
 */
export function pageLinks(
  position: PagePosition,
  nextCursor: string | null,
): { newer: PageLink | null; older: PageLink | null } {
  const older: PageLink | null = nextCursor
    ? { to: pageUrl(nextCursor), state: { trail: [...position.trail, position.cursor] }, label: 'Older posts' }
    : null;
  if (position.cursor === null) return { newer: null, older };
  if (position.trail.length === 0) return { newer: { to: '/', state: { trail: [] }, label: 'Newest posts' }, older };
  const previous = position.trail[position.trail.length - 1] ?? null;
  return {
    newer: { to: pageUrl(previous), state: { trail: position.trail.slice(0, -1) }, label: 'Newer posts' },
    older,
  };
}

/** The 1-based page number when known (the trail is complete), else undefined. */
export function pageNumber(position: PagePosition): number | undefined {
  if (position.cursor === null) return 1;
  return position.trail.length > 0 && position.trail[0] === null ? position.trail.length + 1 : undefined;
}
