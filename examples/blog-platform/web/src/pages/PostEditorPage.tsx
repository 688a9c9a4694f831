import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { describeError, type ErrorDescription } from '../api/describeError.ts';
import { newIdempotencyKey } from '../api/blogApi.ts';
import type { Post } from '../api/types.ts';
import { useFlash } from '../app/flash.tsx';
import { useApi, useAuth } from '../app/services.tsx';
import { useResource } from '../app/useResource.ts';
import { ErrorNotice, Loading, ProblemNotice } from '../components/ErrorNotice.tsx';
import { TextAreaField, TextField } from '../components/Field.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { ImageView } from '../images/ImageView.tsx';
import { createDraftStore, sameDraft, type Draft } from '../posts/drafts.ts';
import { Link, useNavigate } from '../router/router.tsx';

/** Most images one post may have (the posts service's limit). */
export const MAX_IMAGES = 10;

/** Image types the images service accepts. */
export const ACCEPTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** Writes a new post (no `id`) or edits an existing one (the author only). */
export function PostEditorPage({ id }: { id?: string }): ReactNode {
  const { session } = useAuth();
  const heading = id === undefined ? 'Write a post' : 'Edit post';
  if (!session) {
    const here = id === undefined ? '/posts/new' : `/posts/${encodeURIComponent(id)}/edit`;
    return (
      <>
        <PageHeading title={heading}>{heading}</PageHeading>
        <p>
          <Link to={`/login?next=${encodeURIComponent(here)}`}>Log in</Link> to write posts.
        </p>
      </>
    );
  }
  if (id === undefined) return <PostForm heading={heading} post={null} />;
  return <EditPost id={id} heading={heading} userId={session.user.id} />;
}

function EditPost({ id, heading, userId }: { id: string; heading: string; userId: string }): ReactNode {
  const api = useApi();
  const existing = useResource(`edit:${id}`, (signal) => api.getPost(id, signal));
  if (existing.status !== 'ready') {
    return (
      <>
        <PageHeading title={heading}>{heading}</PageHeading>
        {existing.status === 'loading' ? <Loading>Loading the post…</Loading> : null}
        {existing.status === 'error' ? (
          <ErrorNotice error={existing.error} what="this post" onRetry={existing.reload} />
        ) : null}
      </>
    );
  }
  if (existing.data.authorId !== userId) {
    return (
      <>
        <PageHeading title={heading}>{heading}</PageHeading>
        <p className="notice notice-error" role="alert">
          Only the author of “{existing.data.title}” can edit it.
        </p>
      </>
    );
  }
  return <PostForm key={existing.data.id} heading={heading} post={existing.data} />;
}

function PostForm({ heading, post }: { heading: string; post: Post | null }): ReactNode {
  const api = useApi();
  const navigate = useNavigate();
  const { flashNext } = useFlash();
  const drafts = useMemo(() => createDraftStore(sessionStorageOrUndefined()), []);
  const draftKey = post ? `edit:${post.id}` : 'new';
  const original: Draft = useMemo(
    () => ({ title: post?.title ?? '', body: post?.body ?? '', imageIds: post?.imageIds ?? [] }),
    [post],
  );
  const [restored] = useState(() => {
    const draft = drafts.load(draftKey);
    return draft && !sameDraft(draft, original) ? draft : null;
  });
  const start = restored ?? original;
  const [title, setTitle] = useState(start.title);
  const [body, setBody] = useState(start.body);
  const [imageIds, setImageIds] = useState<string[]>(start.imageIds);
  const [showRestored, setShowRestored] = useState(restored !== null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<ErrorDescription | null>(null);
  const [status, setStatus] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [key] = useState(newIdempotencyKey);

  // Every change is kept for this tab until saved, so a reload or an expired session loses nothing.
  useEffect(() => {
    const draft = { title, body, imageIds };
    if (sameDraft(draft, original)) drafts.clear(draftKey);
    else drafts.save(draftKey, draft);
  }, [title, body, imageIds, original, drafts, draftKey]);

  const discardDraft = (): void => {
    drafts.clear(draftKey);
    setTitle(original.title);
    setBody(original.body);
    setImageIds(original.imageIds);
    setShowRestored(false);
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    if (!file) return;
    setUploadError(null);
    if (!ACCEPTED_IMAGE_TYPES.includes(file.type)) {
      setUploadError(`“${file.name}” is not a JPEG, PNG or WebP image.`);
      return;
    }
    setUploading(true);
    setStatus(`Uploading ${file.name}…`);
    try {
      const image = await api.uploadImage(file);
      setImageIds((ids) => [...ids, image.id]);
      setStatus(`Uploaded ${file.name}; it shows in Images once processed.`);
    } catch (e) {
      setUploadError(describeError(e, { what: 'image uploads' }).message);
      setStatus('');
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!title.trim()) missing['title'] = 'Give your post a title.';
    if (!body.trim()) missing['body'] = 'Write something in the body.';
    if (Object.keys(missing).length > 0) {
      setProblem({ title: 'Please check the form', message: 'Some fields need attention.', fieldErrors: missing, retryable: false });
      return;
    }
    setSaving(true);
    setProblem(null);
    const input = { title: title.trim(), body, imageIds };
    try {
      const saved = post ? await api.updatePost(post.id, input) : await api.createPost(input, undefined, key);
      drafts.clear(draftKey);
      flashNext(post ? 'Your changes are saved.' : 'Your post is published.');
      navigate(`/posts/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      setProblem(
        describeError(e, {
          what: post ? 'this post' : 'posts',
          byStatus: { 401: 'Your session has ended. Log in again: your draft is kept in this tab.' },
        }),
      );
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeading title={heading}>{heading}</PageHeading>
      <form className="post-form" onSubmit={(e) => void submit(e)} noValidate>
        {showRestored ? (
          <div className="notice notice-info">
            <p>We restored the changes you had not saved yet.</p>
            <button type="button" className="link-button" onClick={discardDraft}>
              Discard them
            </button>
          </div>
        ) : null}
        <ProblemNotice problem={problem} />
        <TextField
          label="Title"
          name="title"
          required
          maxLength={200}
          value={title}
          error={problem?.fieldErrors['title']}
          onChange={(e) => setTitle(e.target.value)}
        />
        <TextAreaField
          label="Body"
          name="body"
          required
          rows={10}
          maxLength={20_000}
          hint="Separate paragraphs with a blank line."
          value={body}
          error={problem?.fieldErrors['body']}
          onChange={(e) => setBody(e.target.value)}
        />
        <fieldset className="images-field">
          <legend>Images (up to {MAX_IMAGES})</legend>
          {imageIds.length > 0 ? (
            <ul className="image-grid">
              {imageIds.map((imageId, i) => (
                <li key={imageId}>
                  <ImageView id={imageId} variant="thumbnail" alt={`Image ${i + 1} of this post`} />
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setImageIds((ids) => ids.filter((x) => x !== imageId))}
                  >
                    Remove image {i + 1}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="field-hint">No images yet.</p>
          )}
          <div className="field">
            <label htmlFor="image-upload">Add an image (JPEG, PNG or WebP)</label>
            <input
              id="image-upload"
              ref={fileInput}
              type="file"
              accept={ACCEPTED_IMAGE_TYPES.join(',')}
              disabled={uploading || imageIds.length >= MAX_IMAGES}
              onChange={(e) => void upload(e)}
              aria-describedby={uploadError ? 'image-upload-error' : undefined}
            />
            {uploadError ? (
              <p className="field-error" id="image-upload-error" role="alert">
                {uploadError}
              </p>
            ) : null}
          </div>
        </fieldset>
        <p className="status" role="status">
          {status}
        </p>
        <div className="actions">
          <button type="submit" disabled={saving || uploading}>
            {saving ? 'Saving…' : post ? 'Save changes' : 'Publish post'}
          </button>
          <Link to={post ? `/posts/${encodeURIComponent(post.id)}` : '/'}>Cancel</Link>
        </div>
      </form>
    </>
  );
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
