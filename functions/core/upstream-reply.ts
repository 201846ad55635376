/**
 * Reads a vendor reply in any of its forms: `{status, message}`, `{code, error}`,
 * the gateway's `{error: {errorCode, message}}`, and an HTTP 200 carrying a
 * negative top-level status. Turns each failure into our envelope's terms.
 */
import { FriendshipFault } from './errors.js';
import type { UpstreamReply } from './upstream-http.js';
import { asRecord } from './json.js';

export type ReplyVerdict =
  | { kind: 'ok'; body: unknown }
  | { kind: 'key-rejected' }
  | { kind: 'failed'; fault: FriendshipFault; retryable: boolean };

/** -2 mismatch, -3 deleted, -4 disabled, -5 expired. -1 is the vendor's generic failure. */
const KEY_REJECTION_CODES = new Set([-2, -3, -4, -5]);
/** Our own misconfiguration: no such project, or a missing header. */
const CONFIG_CODES = new Set([-6, -9]);
const VENDOR_MESSAGE_MAX = 200;


function vendorCode(body: Record<string, unknown> | undefined): number | undefined {
  if (!body) return undefined;
  if (typeof body.status === 'number') return body.status;
  if (typeof body.code === 'number') return body.code;
  return undefined;
}

function vendorMessage(body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return undefined;
  const gateway = asRecord(body.error);
  const candidate = gateway?.message ?? body.message ?? body.error;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate : undefined;
}

/** The vendor's words where they help the player, cut short, and never holding the key. */
export function sanitizeVendorMessage(message: string, secrets: readonly string[]): string {
  let clean = message.replace(/[\u0000-\u001f\u007f]/g, ' ');
  for (const secret of secrets) if (secret) clean = clean.split(secret).join('[redacted]');
  return clean.length > VENDOR_MESSAGE_MAX ? `${clean.slice(0, VENDOR_MESSAGE_MAX)}…` : clean;
}

export function judgeReply(reply: UpstreamReply, secrets: readonly string[]): ReplyVerdict {
  let parsed: unknown;
  let readable = true;
  try {
    parsed = reply.text.length === 0 ? undefined : JSON.parse(reply.text);
  } catch {
    readable = false;
  }
  const body = asRecord(parsed);
  const code = vendorCode(body);
  const { statusCode } = reply;

  if (statusCode === 401 || statusCode === 403 || (code !== undefined && KEY_REJECTION_CODES.has(code))) {
    return { kind: 'key-rejected' };
  }
  if (statusCode === 429) {
    const retryAfter = reply.headers['retry-after'];
    return {
      kind: 'failed',
      retryable: false,
      fault: new FriendshipFault('UPSTREAM_RATE_LIMITED', 'The friendship service is busy. Try again later.', {
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      }),
    };
  }
  // Every vendor 5xx, its gateway's own 504 included, is the vendor failing: 502.
  // Our 504 UPSTREAM_TIMEOUT means only that our own deadline passed (upstream.ts).
  if (statusCode >= 500 || statusCode < 200 || !readable) {
    return {
      kind: 'failed',
      retryable: true,
      fault: new FriendshipFault('UPSTREAM_ERROR', 'The friendship service failed. Try again later.'),
    };
  }
  if (code !== undefined && CONFIG_CODES.has(code)) {
    return {
      kind: 'failed',
      retryable: false,
      fault: new FriendshipFault('UPSTREAM_CONFIG', 'The friendship service rejected our project configuration.'),
    };
  }
  const negative = code !== undefined && code < 0;
  if (statusCode >= 300 || negative || (body && asRecord(body.error))) {
    const words = vendorMessage(body);
    const message = words
      ? `The friendship service refused the request: ${sanitizeVendorMessage(words, secrets)}`
      : 'The friendship service refused the request.';
    return {
      kind: 'failed',
      retryable: false,
      fault: new FriendshipFault('UPSTREAM_REJECTED', message, { httpStatus: statusCode >= 400 && statusCode < 500 ? statusCode : 409 }),
    };
  }
  return { kind: 'ok', body: parsed };
}
