import type { BlogApi } from '../api/blogApi.ts';
import { ApiError } from '../api/errors.ts';
import type { Comment, Image, Post, User } from '../api/types.ts';

/** An in-memory stand-in for the gateway, for component tests (the client has its own tests). */
export interface FakeBlog {
  api: BlogApi;
  posts: Post[];
  comments: Comment[];
  images: Map<string, Image>;
  users: Map<string, { user: User; password: string }>;
  /** When set, every posts call fails with this status (a service that is down). */
  postsDown: number | null;
  /** When true, the comment counts call fails (the list shows no counts, nothing else changes). */
  countsDown: boolean;
  /** How many times the app asked the server to revoke its token. */
  logouts: number;
}

/**
 * Runs `fn` and settles a promise with its result, or rejects with what it throws, like an
 * `async` function without an `await` (and like `Promise.try`, which lib es2023 lacks).
 */
const settle = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

const problem = (status: number, detail?: string): ApiError =>
  new ApiError('problem', `answered ${status}`, { problem: { status, title: 'x', detail } });

/** Creates a fake with `count` posts, newest first, created a minute apart. */
export function createFakeBlog(count = 0): FakeBlog {
  const base = Date.parse('2026-11-24T12:00:00Z');
  const blog: FakeBlog = {
    posts: Array.from({ length: count }, (_, i) => ({
      id: `p${count - i}`,
      authorId: 'u-author',
      authorName: 'Grace',
      title: `Post number ${count - i}`,
      body: `Body of post ${count - i}.`,
      imageIds: [],
      createdAt: new Date(base + (count - i) * 60_000).toISOString(),
      updatedAt: new Date(base + (count - i) * 60_000).toISOString(),
    })),
    comments: [],
    images: new Map(),
    users: new Map(),
    postsDown: null,
    countsDown: false,
    logouts: 0,
    api: undefined as unknown as BlogApi,
  };
  const postsUp = (): Promise<void> =>
    settle(() => {
      if (blog.postsDown !== null) throw problem(blog.postsDown);
    });
  const find = (id: string): Post => {
    const post = blog.posts.find((p) => p.id === id);
    if (!post) throw problem(404);
    return post;
  };
  blog.api = {
    register: ({ username, password, displayName }) =>
      settle(() => {
        if (blog.users.has(username)) throw problem(409, 'username already taken');
        const user = { id: `u-${username}`, username, displayName: displayName ?? username, createdAt: new Date(base).toISOString() };
        blog.users.set(username, { user, password });
        return user;
      }),
    login: ({ username, password }) =>
      settle(() => {
        const found = blog.users.get(username);
        if (found?.password !== password) throw problem(401, 'invalid credentials');
        return { token: `token-${username}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user: found.user };
      }),
    me: () => Promise.reject(problem(401)),
    logout: () => settle(() => void blog.logouts++),
    async listPosts({ limit = 10, cursor }) {
      await postsUp();
      const start = cursor ? Number(cursor) : 0;
      const items = blog.posts.slice(start, start + limit);
      return { items, nextCursor: start + limit < blog.posts.length ? String(start + limit) : null };
    },
    async getPost(id) {
      await postsUp();
      return find(id);
    },
    async createPost(input) {
      await postsUp();
      const now = new Date().toISOString();
      const post = { id: `p${blog.posts.length + 1}`, authorId: 'u-me', authorName: 'Me', ...input, createdAt: now, updatedAt: now };
      blog.posts.unshift(post);
      return post;
    },
    async updatePost(id, input) {
      await postsUp();
      Object.assign(find(id), input);
      return find(id);
    },
    async deletePost(id) {
      await postsUp();
      blog.posts = blog.posts.filter((p) => p.id !== find(id).id);
    },
    listComments: ({ postId }) =>
      Promise.resolve({ items: blog.comments.filter((c) => c.postId === postId), nextCursor: null }),
    commentCounts: (postIds) =>
      blog.countsDown
        ? Promise.reject(new Error('comments unavailable'))
        : Promise.resolve(Object.fromEntries(postIds.map((id) => [id, blog.comments.filter((c) => c.postId === id).length]))),
    async createComment({ postId, body }) {
      await postsUp();
      const comment = { id: `c${blog.comments.length + 1}`, postId, body, authorId: 'u-me', authorName: 'Me', createdAt: new Date().toISOString() };
      blog.comments.push(comment);
      return comment;
    },
    deleteComment: (id) =>
      settle(() => {
        blog.comments = blog.comments.filter((c) => c.id !== id);
      }),
    uploadImage: () =>
      settle(() => {
        const id = `img${blog.images.size + 1}`;
        const image: Image = {
          id,
          ownerId: 'u-me',
          status: 'processing',
          displayUrl: `/api/images/${id}/display`,
          thumbnailUrl: `/api/images/${id}/thumbnail`,
          createdAt: new Date().toISOString(),
        };
        blog.images.set(id, image);
        return { ...image };
      }),
    getImage: (id) =>
      settle(() => {
        const image = blog.images.get(id);
        if (!image) throw problem(404);
        return { ...image };
      }),
  };
  return blog;
}
