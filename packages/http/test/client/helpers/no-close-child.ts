// Child process of lifecycle.test.ts: makes calls and never closes the client; the process must
// still exit on its own (pools, breaker and budget timers must not keep it alive).
import { createClient } from '../../../src/index.ts';

const client = createClient({ name: 'child', baseUrl: process.argv[2] ?? '' });
const res = await client.get('/x');
await res.dump();
await client.get('/missing').catch(() => undefined);
process.stdout.write(`done ${client.breakerState().state}`);
