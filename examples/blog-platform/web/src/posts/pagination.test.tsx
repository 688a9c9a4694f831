import { describe, expect, it } from 'vitest';
import { pageLinks, pageNumber, pageUrl, readPosition } from './pagination.ts';

describe('post list pagination', () => {
  it('starts on the newest page with only an "Older posts" link', () => {
    const position = readPosition('', null);
    expect(position).toEqual({ cursor: null, trail: [] });
    expect(pageLinks(position, 'c2')).toEqual({
      newer: null,
      older: { to: '/?cursor=c2', state: { trail: [null] }, label: 'Older posts' },
    });
    expect(pageNumber(position)).toBe(1);
  });

  it('walks older and back newer along the trail', () => {
    const page2 = readPosition('?cursor=c2', { trail: [null] });
    const links2 = pageLinks(page2, 'c3');
    expect(links2.newer).toEqual({ to: '/', state: { trail: [] }, label: 'Newer posts' });
    expect(links2.older).toEqual({ to: '/?cursor=c3', state: { trail: [null, 'c2'] }, label: 'Older posts' });
    expect(pageNumber(page2)).toBe(2);

    const page3 = readPosition(new URL(`http://x${links2.older!.to}`).search, links2.older!.state);
    expect(page3).toEqual({ cursor: 'c3', trail: [null, 'c2'] });
    expect(pageNumber(page3)).toBe(3);
    const links3 = pageLinks(page3, null);
    expect(links3.older).toBeNull();
    expect(links3.newer).toEqual({ to: '/?cursor=c2', state: { trail: [null] }, label: 'Newer posts' });
  });

  it('offers "Newest posts" when the trail is lost (reload, shared link)', () => {
    const position = readPosition('?cursor=c7', null);
    expect(pageLinks(position, 'c8').newer).toEqual({ to: '/', state: { trail: [] }, label: 'Newest posts' });
    expect(pageNumber(position)).toBeUndefined();
  });

  it('ignores a malformed trail in history state', () => {
    expect(readPosition('?cursor=c2', { trail: [1, {}] })).toEqual({ cursor: 'c2', trail: [] });
    expect(readPosition('?cursor=', { trail: [null] })).toEqual({ cursor: null, trail: [] });
  });

  it('encodes opaque cursors in the URL', () => {
    const cursor = 'eyJ0Ijo/IjIwMjYi&x=1';
    expect(pageUrl(cursor)).toBe(`/?cursor=${encodeURIComponent(cursor)}`);
    expect(readPosition(pageUrl(cursor).slice(1), null).cursor).toBe(cursor);
  });
});
