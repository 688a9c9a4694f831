/** Shapes of the gateway API (see the team brief's "Gateway API" contract). */

/** A registered person. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  createdAt: string;
}

/** A blog post. */
export interface Post {
  id: string;
  authorId: string;
  authorName: string;
  title: string;
  body: string;
  imageIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** A comment on a post. */
export interface Comment {
  id: string;
  postId: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string;
}

/** Processing state of an uploaded image. */
export type ImageStatus = 'processing' | 'ready' | 'failed';

/** An uploaded image and where its processed versions live. */
export interface Image {
  id: string;
  ownerId: string;
  status: ImageStatus;
  displayUrl: string;
  thumbnailUrl: string;
  width?: number;
  height?: number;
  createdAt: string;
}

/** One page of a cursor-paginated list. `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What `POST /api/auth/login` answers. */
export interface LoginResult {
  token: string;
  expiresAt: string;
  user: User;
}

/** An RFC 9457 problem document, as the gateway sends for every error. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: unknown;
}
