import { useState, type FormEvent, type ReactNode } from 'react';
import { describeError } from '../api/describeError.ts';
import type { Comment, Page } from '../api/types.ts';
import { newIdempotencyKey } from '../api/blogApi.ts';
import { useApi, useAuth } from '../app/services.tsx';
import { useResource } from '../app/useResource.ts';
import { ErrorNotice, Loading, ProblemNotice } from '../components/ErrorNotice.tsx';
import { TextAreaField } from '../components/Field.tsx';
import { formatDate } from '../posts/format.ts';
import { Link } from '../router/router.tsx';

const COMMENTS_PAGE = 20;

/** A post's comments (newest first, "Show older comments" for the rest) and the form to add one. */
export function Comments({ postId }: { postId: string }): ReactNode {
  const api = useApi();
  const { session } = useAuth();
  const comments = useResource(`comments:${postId}`, (signal) =>
    api.listComments({ postId, limit: COMMENTS_PAGE }, signal),
  );
  const [moreError, setMoreError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const loadMore = async (page: Page<Comment>): Promise<void> => {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await api.listComments({ postId, limit: COMMENTS_PAGE, cursor: page.nextCursor });
      comments.set({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const page = comments.status === 'ready' ? comments.data : null;
  return (
    <section className="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments{page ? ` (${page.items.length}${page.nextCursor ? '+' : ''})` : ''}</h2>
      {comments.status === 'loading' ? <Loading>Loading comments…</Loading> : null}
      {comments.status === 'error' ? (
        <ErrorNotice error={comments.error} what="the comments" onRetry={comments.reload} />
      ) : null}
      {page ? (
        <>
          {page.items.length === 0 ? <p>No comments yet.</p> : null}
          <ul className="comment-list">
            {page.items.map((comment) => (
              <CommentItem
                key={comment.id}
                comment={comment}
                mine={session?.user.id === comment.authorId}
                onDeleted={() => comments.set({ ...page, items: page.items.filter((c) => c.id !== comment.id) })}
              />
            ))}
          </ul>
          {moreError ? <ErrorNotice error={moreError} what="more comments" /> : null}
          {page.nextCursor ? (
            <button type="button" disabled={loadingMore} onClick={() => void loadMore(page)}>
              {loadingMore ? 'Loading…' : 'Show older comments'}
            </button>
          ) : null}
        </>
      ) : null}
      {session ? (
        <CommentForm
          postId={postId}
          onAdded={(comment) => {
            if (page) comments.set({ ...page, items: [comment, ...page.items] });
            else comments.reload();
          }}
        />
      ) : (
        <p>
          <Link to={`/login?next=${encodeURIComponent(`/posts/${postId}`)}`}>Log in</Link> to comment.
        </p>
      )}
    </section>
  );
}

function CommentItem({ comment, mine, onDeleted }: { comment: Comment; mine: boolean; onDeleted: () => void }): ReactNode {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteComment(comment.id);
      onDeleted();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <li className="comment">
      <p className="meta">
        {comment.authorName} · <time dateTime={comment.createdAt}>{formatDate(comment.createdAt)}</time>
      </p>
      <p className="comment-body">{comment.body}</p>
      {mine ? (
        <button type="button" className="link-button" disabled={busy} onClick={() => void remove()}>
          {busy ? 'Deleting…' : 'Delete comment'}
        </button>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {describeError(error, { what: 'this comment' }).message}
        </p>
      ) : null}
    </li>
  );
}

function CommentForm({ postId, onAdded }: { postId: string; onAdded: (comment: Comment) => void }): ReactNode {
  const api = useApi();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  // One key per comment the person writes: "Post comment" again after a timeout cannot duplicate it.
  const [key, setKey] = useState(newIdempotencyKey);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!body.trim()) {
      setError(null);
      setStatus('');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const comment = await api.createComment({ postId, body: body.trim() }, undefined, key);
      onAdded(comment);
      setKey(newIdempotencyKey());
      setBody('');
      setStatus('Comment added.');
    } catch (e) {
      setError(e);
      setStatus('');
    } finally {
      setBusy(false);
    }
  };

  const described = error ? describeError(error, { what: 'this post' }) : null;
  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Add a comment</h3>
      <ProblemNotice problem={described} />
      <TextAreaField
        label="Your comment"
        name="body"
        rows={3}
        required
        maxLength={5000}
        value={body}
        error={described?.fieldErrors['body']}
        onChange={(e) => setBody(e.target.value)}
      />
      <button type="submit" disabled={busy || !body.trim()}>
        {busy ? 'Posting…' : 'Post comment'}
      </button>
      <span className="status" role="status">
        {status}
      </span>
    </form>
  );
}
