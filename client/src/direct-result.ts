/**
 * Reads what a friendship function answered a direct invocation: a result
 * `{ok: true, data}` or `{ok: false, error: {status, code, message, requestId}}`,
 * or why it is not one. Lambda hands back whatever the function returned, and
 * its own error object when the function threw or timed out, so nothing here
 * is trusted before it is checked.
 */
import * as z from 'zod/mini';
import { errorCodes, type ErrorCode } from './generated.js';

const directResult = z.discriminatedUnion('ok', [
  // `data` is any JSON value but must be there: `{ok: true}` alone is no answer.
  z.object({ ok: z.literal(true), data: z.unknown().check(z.refine((value) => value !== undefined)) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      status: z.number().check(z.int(), z.gte(400), z.lte(599)),
      code: z.enum(errorCodes),
      message: z.string(),
      requestId: z.optional(z.string()),
    }),
  }),
]);

export type ReadResult =
  | { kind: 'ok'; data: unknown }
  | { kind: 'error'; error: { status: number; code: ErrorCode; message: string; requestId: string | undefined } }
  /** `why` finishes the sentence "The friendship function <name> …". */
  | { kind: 'unreadable'; why: string };

export function readDirectResult(text: string, functionError: string | undefined): ReadResult {
  if (functionError !== undefined) {
    return { kind: 'unreadable', why: `failed (${functionError}): ${lambdaErrorMessage(text)}` };
  }
  if (text.trim().length === 0) return { kind: 'unreadable', why: 'answered nothing' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', why: 'answered something that is not JSON' };
  }
  const parsed = directResult.safeParse(value);
  if (!parsed.success) return { kind: 'unreadable', why: 'answered something that is not a friendship result' };
  if (parsed.data.ok) return { kind: 'ok', data: parsed.data.data };
  const { status, code, message, requestId } = parsed.data.error;
  return { kind: 'error', error: { status, code, message, requestId } };
}

/** Lambda's error object, `{errorType, errorMessage}`, when the function threw or was stopped. */
function lambdaErrorMessage(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const message = typeof parsed === 'object' && parsed !== null ? (parsed as { errorMessage?: unknown }).errorMessage : undefined;
    return typeof message === 'string' && message.length > 0 ? message : 'an unhandled error';
  } catch {
    return 'an unhandled error';
  }
}
