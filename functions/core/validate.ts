/** Runs a zod schema and turns its first issue into one of our error codes. */
import type * as z from 'zod/mini';
import { FriendshipFault, type ErrorCode } from './errors.js';

const ID_FIELDS = new Set(['userId', 'friendId', 'user_id', 'friend_id']);
const PAGING_FIELDS = new Set(['offset', 'limit']);

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  origin?: string;
  keys?: string[];
  params?: Record<string, unknown>;
}

function codeFor(issue: Issue): ErrorCode {
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code as ErrorCode;
  if (issue.code === 'unrecognized_keys') return 'UNKNOWN_FIELD';
  const field = issue.path.at(-1);
  if (typeof field === 'string') {
    if (ID_FIELDS.has(field)) {
      const absent = issue.input === undefined || issue.input === '';
      return absent && (issue.code === 'invalid_type' || issue.code === 'too_small') ? 'MISSING_FIELD' : 'INVALID_ID';
    }
    if (field === 'message' && issue.code === 'too_big') return 'MESSAGE_TOO_LONG';
    if (field === 'status') return 'INVALID_STATUS';
    if (PAGING_FIELDS.has(field)) return 'INVALID_PAGING';
  }
  if (issue.path.length === 0 && issue.origin === 'array' && issue.code === 'too_big') return 'TOO_MANY_PAIRS';
  return 'INVALID_INPUT';
}

function describe(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` in ${issue.path.join('.')}` : '';
    return `Unknown field${(issue.keys?.length ?? 0) > 1 ? 's' : ''}${where}: ${(issue.keys ?? []).join(', ')}.`;
  }
  const where = issue.path.length > 1 ? ` (at ${issue.path.join('.')})` : '';
  return `${issue.message}${where}.`;
}

export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0] as unknown as Issue;
  throw new FriendshipFault(codeFor(issue), describe(issue));
}
