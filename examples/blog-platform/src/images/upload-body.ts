import type { IncomingMessage, ServerResponse } from 'node:http';
import { problem, ProblemError } from '@podkit/http';

function tooLarge(maxBytes: number): ProblemError {
  return new ProblemError(problem(413, `the image exceeds the upload limit of ${maxBytes} bytes`));
}

/**
 * Reads a raw (non-JSON) request body into one buffer, at most `maxBytes`: a declared
 * `Content-Length` over the limit is refused before a byte is read, and a chunked upload is cut
 * off as soon as it passes the limit. On 413 the response is marked `Connection: close`, so the
 * unread rest of the upload is never drained from the socket.
 *
 * @throws ProblemError 413 over the limit, 400 when the client aborts the upload.
 */
export function readRawBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > maxBytes) {
    res.setHeader('connection', 'close');
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        req.pause();
        res.setHeader('connection', 'close');
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new ProblemError(problem(400, `the upload could not be read: ${err.message}`)));
    };
    const onAborted = (): void => onError(new Error('the client aborted the upload'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
