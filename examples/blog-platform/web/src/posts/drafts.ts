import type { StorageLike } from '../auth/sessionStore.ts';

/** What the person typed into the post editor and has not saved yet. */
export interface Draft {
  title: string;
  body: string;
  imageIds: string[];
}

/** Keeps unsaved post drafts for this tab, so a reload or an expired session loses nothing. */
export interface DraftStore {
  load(key: string): Draft | null;
  save(key: string, draft: Draft): void;
  clear(key: string): void;
}

const PREFIX = 'podkit-blog.draft.';

/** A draft store over sessionStorage (or any Storage); a storage that throws is ignored. */
export function createDraftStore(storage: StorageLike | undefined): DraftStore {
  return {
    load(key) {
      try {
        const value: unknown = JSON.parse(storage?.getItem(PREFIX + key) ?? 'null');
        if (typeof value !== 'object' || value === null) return null;
        const d = value as Record<string, unknown>;
        if (typeof d['title'] !== 'string' || typeof d['body'] !== 'string') return null;
        const ids = Array.isArray(d['imageIds']) ? d['imageIds'].filter((x): x is string => typeof x === 'string') : [];
        return { title: d['title'], body: d['body'], imageIds: ids };
      } catch {
        return null;
      }
    },
    save(key, draft) {
      try {
        storage?.setItem(PREFIX + key, JSON.stringify(draft));
      } catch {
        // storage full or blocked: the draft then lives only in the form
      }
    },
    clear(key) {
      try {
        storage?.removeItem(PREFIX + key);
      } catch {
        // nothing to clear
      }
    },
  };
}

/** True when both drafts hold the same content. */
export function sameDraft(a: Draft, b: Draft): boolean {
  return a.title === b.title && a.body === b.body && a.imageIds.join(',') === b.imageIds.join(',');
}
