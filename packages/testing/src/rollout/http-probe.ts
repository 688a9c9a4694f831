import { request } from 'node:http';

/**
 * One kubelet-style HTTP probe: `GET` on a fresh connection (`Connection: close`), success on a
 * status in 200..399 within `timeoutMs`; anything else (refused, reset, timeout, 4xx/5xx) fails.
 * @internal
 */
export function httpProbe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { 'user-agent': 'kube-probe/1.34', connection: 'close' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => resolve(status >= 200 && status < 400));
      res.on('error', () => resolve(false));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('probe timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}
