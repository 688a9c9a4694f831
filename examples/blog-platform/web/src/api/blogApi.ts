import type { ApiClient } from './client.ts';
import type { Comment, Image, LoginResult, Page, Post, User } from './types.ts';

/** Fields of a new or edited post. */
export interface PostInput {
  title: string;
  body: string;
  imageIds: string[];
}

/** The gateway's API, one method per endpoint. Every method accepts an optional AbortSignal. */
export interface BlogApi {
  register(input: { username: string; password: string; displayName?: string }, signal?: AbortSignal): Promise<User>;
  login(input: { username: string; password: string }, signal?: AbortSignal): Promise<LoginResult>;
  me(signal?: AbortSignal): Promise<User>;
  /** Revokes the current token on the server (every service refuses it from then on). */
  logout(signal?: AbortSignal): Promise<void>;
  listPosts(query: { limit?: number; cursor?: string | null }, signal?: AbortSignal): Promise<Page<Post>>;
  getPost(id: string, signal?: AbortSignal): Promise<Post>;
  /** `idempotencyKey` makes a retried create (after a timeout) safe: the server creates the post once. */
  createPost(input: PostInput, signal?: AbortSignal, idempotencyKey?: string): Promise<Post>;
  updatePost(id: string, input: Partial<PostInput>, signal?: AbortSignal): Promise<Post>;
  deletePost(id: string, signal?: AbortSignal): Promise<void>;
  listComments(query: { postId: string; limit?: number; cursor?: string | null }, signal?: AbortSignal): Promise<Page<Comment>>;
  /** Comment counts of several posts, as the comment-counter worker projected them (eventually consistent). */
  commentCounts(postIds: readonly string[], signal?: AbortSignal): Promise<Record<string, number>>;
  createComment(input: { postId: string; body: string }, signal?: AbortSignal, idempotencyKey?: string): Promise<Comment>;
  deleteComment(id: string, signal?: AbortSignal): Promise<void>;
  uploadImage(file: Blob, signal?: AbortSignal): Promise<Image>;
  getImage(id: string, signal?: AbortSignal): Promise<Image>;
}

/** Uploads may be slow on a poor connection: they get more time than other calls. */
const UPLOAD_TIMEOUT_MS = 60_000;

/** Binds the gateway's endpoints to an {@link ApiClient}. */
export function createBlogApi(client: ApiClient): BlogApi {
  const enc = encodeURIComponent;
  return {
    register: (input, signal) =>
      client.request<{ user: User }>('POST', '/api/auth/register', { json: input, signal }).then((r) => r.user),
    login: (input, signal) => client.request<LoginResult>('POST', '/api/auth/login', { json: input, signal }),
    me: (signal) => client.request<{ user: User }>('GET', '/api/auth/me', { signal }).then((r) => r.user),
    logout: (signal) => client.request<void>('POST', '/api/auth/logout', { signal }),
    listPosts: (query, signal) =>
      client.request('GET', `/api/posts${queryString({ limit: query.limit, cursor: query.cursor })}`, { signal }),
    getPost: (id, signal) => client.request('GET', `/api/posts/${enc(id)}`, { signal }),
    createPost: (input, signal, key) =>
      client.request('POST', '/api/posts', { json: input, signal, headers: keyHeader(key) }),
    updatePost: (id, input, signal) => client.request('PATCH', `/api/posts/${enc(id)}`, { json: input, signal }),
    deletePost: (id, signal) => client.request('DELETE', `/api/posts/${enc(id)}`, { signal }),
    listComments: (query, signal) => client.request('GET', `/api/comments${queryString(query)}`, { signal }),
    commentCounts: (postIds, signal) =>
      client
        .request<{ counts: Record<string, number> }>('GET', `/api/comments/counts${queryString({ postIds: postIds.join(',') })}`, { signal })
        .then((r) => r.counts),
    createComment: (input, signal, key) =>
      client.request('POST', '/api/comments', { json: input, signal, headers: keyHeader(key) }),
    deleteComment: (id, signal) => client.request('DELETE', `/api/comments/${enc(id)}`, { signal }),
    uploadImage: (file, signal) =>
      client.request('POST', '/api/images', {
        body: file,
        contentType: file.type || 'application/octet-stream',
        signal,
        timeoutMs: UPLOAD_TIMEOUT_MS,
      }),
    getImage: (id, signal) => client.request('GET', `/api/images/${enc(id)}`, { signal }),
  };
}

function keyHeader(key: string | undefined): Record<string, string> | undefined {
  return key ? { 'idempotency-key': key } : undefined;
}

/**
 * A fresh `Idempotency-Key`: one per thing the person means to create, reused when they retry.
 * (`crypto.randomUUID` needs a secure context; plain-HTTP hosts fall back to random bytes.)
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `?a=1&b=x` from the defined, non-null entries (empty string when there are none). */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
