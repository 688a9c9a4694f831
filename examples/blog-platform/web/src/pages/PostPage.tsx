import { useState, type ReactNode } from 'react';
import { describeError } from '../api/describeError.ts';
import type { Post } from '../api/types.ts';
import { useFlash } from '../app/flash.tsx';
import { useApi, useAuth } from '../app/services.tsx';
import { useResource } from '../app/useResource.ts';
import { ErrorNotice, Loading } from '../components/ErrorNotice.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { ImageView } from '../images/ImageView.tsx';
import { formatDate, paragraphs } from '../posts/format.ts';
import { Link, useNavigate } from '../router/router.tsx';
import { Comments } from './Comments.tsx';

/** One post with its images and comments; its author can edit or delete it. */
export function PostPage({ id }: { id: string }): ReactNode {
  const api = useApi();
  const post = useResource(`post:${id}`, (signal) => api.getPost(id, signal));

  if (post.status !== 'ready') {
    const heading = post.status === 'loading' ? 'Loading post…' : 'Post unavailable';
    return (
      <>
        <PageHeading title={heading}>{heading}</PageHeading>
        {post.status === 'loading' ? <Loading>Loading the post…</Loading> : null}
        {post.status === 'error' ? <ErrorNotice error={post.error} what="this post" onRetry={post.reload} /> : null}
        <p>
          <Link to="/">Back to all posts</Link>
        </p>
      </>
    );
  }
  return <PostArticle post={post.data} />;
}

function PostArticle({ post }: { post: Post }): ReactNode {
  const { session } = useAuth();
  const isAuthor = session?.user.id === post.authorId;
  const edited = post.updatedAt !== post.createdAt;
  return (
    <>
      <article className="post" aria-labelledby="post-title">
        <header>
          <PageHeading title={post.title}>
            <span id="post-title">{post.title}</span>
          </PageHeading>
          <p className="meta">
            By {post.authorName} · <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
            {edited ? (
              <>
                {' '}
                · edited <time dateTime={post.updatedAt}>{formatDate(post.updatedAt)}</time>
              </>
            ) : null}
          </p>
        </header>
        {paragraphs(post.body).map((text, i) => (
          <p key={i}>{text}</p>
        ))}
        {post.imageIds.length > 0 ? (
          <div className="post-images">
            {post.imageIds.map((imageId, i) => (
              <ImageView
                key={imageId}
                id={imageId}
                variant="display"
                alt={`Image ${i + 1} of ${post.imageIds.length} in “${post.title}”`}
              />
            ))}
          </div>
        ) : null}
        {isAuthor ? <AuthorActions post={post} /> : null}
      </article>
      <Comments postId={post.id} />
      <p>
        <Link to="/">Back to all posts</Link>
      </p>
    </>
  );
}

function AuthorActions({ post }: { post: Post }): ReactNode {
  const api = useApi();
  const navigate = useNavigate();
  const { flashNext } = useFlash();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.deletePost(post.id);
      flashNext(`Deleted “${post.title}”.`);
      navigate('/');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="actions">
      {error ? (
        <p className="notice notice-error" role="alert">
          {describeError(error, { what: 'this post' }).message}
        </p>
      ) : null}
      <Link className="button" to={`/posts/${encodeURIComponent(post.id)}/edit`}>
        Edit post
      </Link>
      {confirming ? (
        <span className="confirm" role="group" aria-label="Confirm deletion">
          <span>Delete this post for good?</span>{' '}
          <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
            {busy ? 'Deleting…' : 'Yes, delete'}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete post
        </button>
      )}
    </div>
  );
}
