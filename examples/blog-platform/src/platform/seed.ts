import { randomBytes } from 'node:crypto';

const POSTS = [
  {
    title: 'Welcome to the podkit blog platform',
    body: 'Five services, each its own process: gateway, auth, posts, comments and images. Every one of them gets JSON logs, probes, metrics, tracing and SIGTERM draining from podkit. Register, write a post, upload an image, and watch /metrics on each admin port (9080 to 9084).',
  },
  {
    title: 'Try stopping a service',
    body: 'Stop the posts service and create a comment: the comments service answers 503 at once, because its podkit client opened the circuit breaker instead of waiting on timeouts. Start posts again and it recovers by itself.',
  },
  {
    title: 'Zero dropped requests during a rollout',
    body: 'On SIGTERM a podkit service turns not-ready at once, keeps serving while Kubernetes removes its endpoint, then drains in-flight requests and exits. See docs/core.md for the timeline.',
  },
];

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
}

/**
 * Seeds a few posts and a comment through the gateway, once: when the `podkit` user already
 * exists (a persistent PGlite data directory) nothing is done. The sample user's password is
 * random and never printed. Returns true when content was created.
 */
export async function seedSampleContent(gatewayUrl: string): Promise<boolean> {
  const password = randomBytes(18).toString('base64url');
  const reg = await post(`${gatewayUrl}/api/auth/register`, { username: 'podkit', password, displayName: 'The podkit team' });
  await reg.body?.cancel();
  if (reg.status === 409) return false;
  if (reg.status !== 201) throw new Error(`seeding failed: register answered ${reg.status}`);
  const login = await post(`${gatewayUrl}/api/auth/login`, { username: 'podkit', password });
  const { token } = (await login.json()) as { token: string };
  let last = '';
  for (const p of POSTS) {
    const res = await post(`${gatewayUrl}/api/posts`, p, token);
    last = ((await res.json()) as { id: string }).id;
  }
  const c = await post(`${gatewayUrl}/api/comments`, { postId: last, body: 'First! (a sample comment)' }, token);
  await c.body?.cancel();
  return true;
}
