/** The one body reader and the one JSON sender of the local servers (the local API, the emulator, the AWS endpoints). */
import type http from 'node:http';

/** The whole body; with a limit, undefined when it is longer (the rest is still read, and dropped). */
export function readBody(req: http.IncomingMessage): Promise<Buffer>;
export function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer | undefined>;
export function readBody(req: http.IncomingMessage, limitBytes = Infinity): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limitBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A complete answer with its length; `headers` win over the defaults. */
export function sendText(res: http.ServerResponse, statusCode: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(statusCode, { 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** `value` as JSON; a `content-type` in `headers` replaces application/json (e.g. AWS JSON 1.1). */
export function sendJson(res: http.ServerResponse, statusCode: number, value: unknown, headers: Record<string, string> = {}): void {
  // JSON.stringify(undefined) is undefined: an empty body, as a Lambda handler that returned nothing.
  sendText(res, statusCode, JSON.stringify(value) ?? '', { 'content-type': 'application/json', ...headers });
}

/** A request read in full, as the local API's parts receive it. */
export interface ReceivedRequest {
  req: http.IncomingMessage;
  method: string;
  /** The target parsed against the server's own URL. */
  url: URL;
  body: Buffer;
}

/** What answered a request and with which status: the local API's log line. */
export interface Served {
  by: string;
  status: number;
}
