/** Every vendor reply form is judged the same way. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { judgeReply, sanitizeVendorMessage } from '../../functions/core/upstream-reply.js';

const reply = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('judging a vendor reply', () => {
  it('a negative top-level status is a failure whatever the HTTP status, and -2 to -5 mean the key', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30, max: -1 }), fc.constantFrom(200, 400, 404, 409), fc.constantFrom('status', 'code'), (code, http, field) => {
        const verdict = judgeReply(reply(http, { [field]: code, message: 'x' }), []);
        if (code <= -2 && code >= -5) return verdict.kind === 'key-rejected';
        return verdict.kind === 'failed';
      }),
    );
  });

  it('a string friendship status is not an error code', () => {
    expect(judgeReply(reply(200, { friendship: { status: 'requested' } }), []).kind).toBe('ok');
    expect(judgeReply(reply(200, { status: 1, message: '' }), []).kind).toBe('ok');
  });

  it('maps HTTP statuses', () => {
    expect(judgeReply(reply(401, ''), []).kind).toBe('key-rejected');
    expect(judgeReply(reply(403, { error: { errorCode: '210', message: 'Permission Denied' } }), []).kind).toBe('key-rejected');
    const limited = judgeReply(reply(429, '', { 'retry-after': '3' }), []);
    expect(limited).toMatchObject({ kind: 'failed', fault: { code: 'UPSTREAM_RATE_LIMITED', retryAfter: '3' } });
    expect(judgeReply(reply(503, 'oops'), [])).toMatchObject({ kind: 'failed', fault: { code: 'UPSTREAM_ERROR' } });
    expect(judgeReply(reply(504, ''), [])).toMatchObject({ kind: 'failed', retryable: true, fault: { code: 'UPSTREAM_ERROR', httpStatus: 502 } });
    expect(judgeReply(reply(200, '{"friendship":'), [])).toMatchObject({ kind: 'failed', fault: { code: 'UPSTREAM_ERROR' } });
  });

  it('any vendor 5xx, in any body form, is a retryable 502 UPSTREAM_ERROR: 504 is for our own deadline only', () => {
    const bodies = fc.constantFrom('', 'oops', '{"status":-1,"message":"down"}', '{"error":{"errorCode":"504","message":"Endpoint request timed out"}}');
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 599 }), bodies, (http, body) => {
        const verdict = judgeReply(reply(http, body), []);
        return verdict.kind === 'failed' && verdict.retryable && verdict.fault.code === 'UPSTREAM_ERROR' && verdict.fault.httpStatus === 502;
      }),
    );
  });

  it('never repeats the key in a message', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 40 }), fc.string(), fc.string(), (key, before, after) => {
        const verdict = judgeReply(reply(400, { status: -1, message: `${before}${key}${after}` }), [key]);
        return verdict.kind === 'failed' && !verdict.fault.message.includes(key);
      }),
    );
    expect(sanitizeVendorMessage('x'.repeat(500), []).length).toBeLessThanOrEqual(201);
  });
});
