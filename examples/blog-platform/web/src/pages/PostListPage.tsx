import type { ReactNode } from 'react';
import { useApi, useAuth } from '../app/services.tsx';
import { useResource } from '../app/useResource.ts';
import { ErrorNotice, Loading } from '../components/ErrorNotice.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { excerpt, formatDate } from '../posts/format.ts';
import { pageLinks, pageNumber, readPosition } from '../posts/pagination.ts';
import { Link, useLocation } from '../router/router.tsx';

/** Posts on one page of the list. */
export const PAGE_SIZE = 10;

/** The home page: posts, newest first, a page at a time. */
export function PostListPage(): ReactNode {
  const api = useApi();
  const { session } = useAuth();
  const location = useLocation();
  const position = readPosition(location.search, location.state);
  const posts = useResource(`posts:${position.cursor ?? ''}`, (signal) =>
    api.listPosts({ limit: PAGE_SIZE, cursor: position.cursor }, signal),
  );
  const ids = posts.status === 'ready' ? posts.data.items.map((p) => p.id) : [];
  // Counts are a projection (the comment-counter worker): nice to have, so a failure shows none.
  const counts = useResource<Record<string, number>>(`comment-counts:${ids.join(',')}`, (signal) =>
    ids.length === 0 ? Promise.resolve({}) : api.commentCounts(ids, signal),
  );
  const countOf = (id: string): number | undefined => (counts.status === 'ready' ? counts.data[id] : undefined);
  const number = pageNumber(position);
  const heading = position.cursor === null ? 'Latest posts' : number ? `Posts, page ${number}` : 'Older posts';

  return (
    <>
      <PageHeading title={heading}>{heading}</PageHeading>
      {posts.status === 'loading' ? <Loading>Loading posts…</Loading> : null}
      {posts.status === 'error' ? <ErrorNotice error={posts.error} what="posts" onRetry={posts.reload} /> : null}
      {posts.status === 'ready' ? (
        <>
          {posts.data.items.length === 0 ? (
            <p>
              {position.cursor === null ? 'No posts yet.' : 'No more posts.'}{' '}
              {session && position.cursor === null ? <Link to="/posts/new">Write the first one</Link> : null}
            </p>
          ) : (
            <ol className="post-list">
              {posts.data.items.map((post) => (
                <li key={post.id}>
                  <article className="post-summary" aria-labelledby={`post-${post.id}`}>
                    <h2 id={`post-${post.id}`}>
                      <Link to={`/posts/${encodeURIComponent(post.id)}`}>{post.title}</Link>
                    </h2>
                    <p className="meta">
                      By {post.authorName} · <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
                      {post.imageIds.length > 0
                        ? ` · ${post.imageIds.length} image${post.imageIds.length === 1 ? '' : 's'}`
                        : ''}
                      <CommentCount count={countOf(post.id)} />
                    </p>
                    <p>{excerpt(post.body)}</p>
                  </article>
                </li>
              ))}
            </ol>
          )}
          <Pagination {...pageLinks(position, posts.data.nextCursor)} />
        </>
      ) : null}
    </>
  );
}

function CommentCount({ count }: { count: number | undefined }): ReactNode {
  if (count === undefined) return null;
  return <> · {count === 0 ? 'no comments' : `${count} comment${count === 1 ? '' : 's'}`}</>;
}

function Pagination({ newer, older }: ReturnType<typeof pageLinks>): ReactNode {
  if (!newer && !older) return null;
  return (
    <nav className="pagination" aria-label="Pages of posts">
      {newer ? (
        <Link to={newer.to} state={newer.state} rel="prev">
          ← {newer.label}
        </Link>
      ) : (
        <span />
      )}
      {older ? (
        <Link to={older.to} state={older.state} rel="next">
          {older.label} →
        </Link>
      ) : null}
    </nav>
  );
}
