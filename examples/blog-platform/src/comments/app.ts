import type { Logger } from '@podkit/core';
import type { Router } from '@podkit/http';
import type { TokenVerifier } from '../shared/auth/verifier.ts';
import type { Database } from '../shared/db/database.ts';
import { withInputErrors } from '../shared/db/input-errors.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createAuthenticate } from '../shared/http/authenticate.ts';
import { migrations } from './migrations.ts';
import type { PostExists } from './post-lookup.ts';
import { commentsRoutes } from './routes.ts';
import { createCommentStore } from './store.ts';

/** What the comments service is made of. */
export interface CommentsAppOptions {
  readonly db: Database;
  readonly verifier: TokenVerifier;
  readonly postExists: PostExists;
  readonly logger: Logger;
  /** Called after a comment was created or deleted (kicks the outbox relay). @default none */
  readonly onChange?: () => void;
}

/** Migrates the comments schema and builds the routes. */
export async function createCommentsApp(o: CommentsAppOptions): Promise<{ router: Router }> {
  await migrate(o.db, migrations);
  const router = commentsRoutes({
    store: createCommentStore(withInputErrors(o.db)),
    postExists: o.postExists,
    authenticate: createAuthenticate(o.verifier, o.logger),
    logger: o.logger,
    ...(o.onChange === undefined ? {} : { onChange: o.onChange }),
  });
  return { router };
}
