import { z } from 'zod';
import { isUtf8 } from 'node:buffer';
import { POST_BODY } from '/work/wt/router/bench/router-post.bench.ts';
import { parseJsonSafely } from '/work/wt/router/packages/http/src/router/safe-json.ts';
const NewPost = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(10_000),
  tags: z.array(z.string().max(40)).max(10),
  author: z.object({ id: z.string(), name: z.string(), email: z.string().optional() }),
});
const buf = Buffer.from(POST_BODY);
const text = POST_BODY;
const obj = JSON.parse(text);
const cases: Record<string, () => unknown> = {
  toString: () => buf.toString('utf8'),
  latin1: () => buf.latin1Slice(0, buf.length),
  isUtf8: () => isUtf8(buf),
  jsonParse: () => JSON.parse(text),
  safeParse: () => parseJsonSafely(text, 32),
  regex1: () => /proto|constructor|\\u/.test(text),
  zod: () => NewPost.safeParse(obj),
  zodParse: () => NewPost.parse(obj),
  stringify: () => JSON.stringify({ id: 'x', title: obj.title, tags: obj.tags }),
  includes3: () => text.includes('proto') || text.includes('constructor') || text.includes('\\u'),
};
const N = 200_000; const sink: unknown[] = new Array(8);
for (let r = 0; r < 3; r++) for (const [k, f] of Object.entries(cases)) {
  const t = performance.now(); for (let i = 0; i < N; i++) sink[i & 7] = f(); const dt = performance.now() - t;
  if (r === 2) console.log(k.padEnd(12), ((dt / N) * 1e6).toFixed(0), "ns", typeof sink[0]);
}
