/**
 * How an HTTP request carries an operation's input: a JSON body, a JSON body or
 * the query (DELETE, for clients that cannot send a body), or the list query.
 * Size and content type are checked before anything is parsed.
 */
import type { Carriage } from '../operations.js';
import { FriendshipFault } from './errors.js';
import { header, type HttpApiEvent } from './event.js';

export const MAX_BODY_BYTES = 64 * 1024;

export type HttpInputReader = (event: HttpApiEvent) => unknown;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function bodyBytes(event: HttpApiEvent): Buffer | undefined {
  const raw = event.body ?? '';
  if (raw.length === 0) return undefined;
  if (event.isBase64Encoded) {
    // Base64 holds 3 bytes in 4 characters: refuse on the encoded length before decoding.
    if (Math.floor((raw.length * 3) / 4) - 2 > MAX_BODY_BYTES) throw tooLarge();
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
    return bytes.length === 0 ? undefined : bytes;
  }
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw tooLarge();
  return Buffer.from(raw, 'utf8');
}

const tooLarge = () => new FriendshipFault('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes.`);

/** The parsed JSON body, or undefined when there is none. */
function readJsonBody(event: HttpApiEvent): unknown {
  const bytes = bodyBytes(event);
  if (bytes === undefined) return undefined;
  const contentType = header(event, 'content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new FriendshipFault('UNSUPPORTED_MEDIA_TYPE', 'The body must be JSON, sent with content-type: application/json.');
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new FriendshipFault('INVALID_JSON', 'The body is not valid JSON.');
  }
}

function queryParameters(event: HttpApiEvent, allowed: readonly string[]): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value === undefined) continue;
    if (!allowed.includes(name)) throw new FriendshipFault('UNKNOWN_FIELD', `Unknown query parameter "${name}".`);
    query[name] = value;
  }
  return query;
}

/**
 * A missing body reads as `{}`, so the schema names what is missing. A body that
 * is JSON `null` is a body of the wrong type, not a missing one.
 */
const bodyOrEmpty = (event: HttpApiEvent): unknown => {
  const body = readJsonBody(event);
  return body === undefined ? {} : body;
};

/** A JSON body and nothing in the query. */
const jsonBody: HttpInputReader = (event) => {
  queryParameters(event, []);
  return bodyOrEmpty(event);
};

/** A JSON body, or the same fields in the query. Both at once must agree. */
const jsonBodyOrQuery =
  (fields: readonly string[]): HttpInputReader =>
  (event) => {
    const query = queryParameters(event, fields);
    const body = bodyOrEmpty(event);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    const merged: Record<string, unknown> = { ...body };
    for (const [name, value] of Object.entries(query)) {
      if (merged[name] !== undefined && merged[name] !== value) {
        throw new FriendshipFault('INVALID_INPUT', `"${name}" differs between the body and the query.`);
      }
      merged[name] = value;
    }
    return merged;
  };

// Any whole number, negative ones too, so the schema can say which range it is outside.
const WHOLE_NUMBER = /^-?\d{1,9}$/;
const asNumberIfWhole = (value: string | undefined): string | number | undefined =>
  value !== undefined && WHOLE_NUMBER.test(value) ? Number(value) : value;

/**
 * The list query: `?filter={"status":"accepted","user_id":"..."}` as the vendor
 * writes it, or `?status=accepted`; paging with `offset` and `limit`.
 */
const listQuery =
  (parameters: readonly string[]): HttpInputReader =>
  (event) => {
    if (bodyBytes(event) !== undefined) throw new FriendshipFault('INVALID_INPUT', 'A list request takes no body.');
    const query = queryParameters(event, parameters);
    let filter: Record<string, unknown> = {};
    if (query.filter !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(query.filter);
      } catch {
        throw new FriendshipFault('INVALID_JSON', 'The filter parameter is not valid JSON.');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new FriendshipFault('INVALID_INPUT', 'The filter parameter must be a JSON object.');
      }
      filter = parsed as Record<string, unknown>;
      for (const key of Object.keys(filter)) {
        if (key !== 'status' && key !== 'user_id') throw new FriendshipFault('UNKNOWN_FIELD', `Unknown filter field "${key}".`);
      }
    }
    const pick = (fromFilter: unknown, fromQuery: string | undefined, name: string) => {
      if (fromFilter !== undefined && fromQuery !== undefined && fromFilter !== fromQuery) {
        throw new FriendshipFault('INVALID_INPUT', `"${name}" differs between the filter and the query.`);
      }
      // A null in the filter is a value of the wrong type, which the schema refuses, not an absent field.
      return fromFilter !== undefined ? fromFilter : fromQuery;
    };
    const input: Record<string, unknown> = {
      status: pick(filter.status, query.status, 'status'),
      userId: pick(filter.user_id, query.userId, 'userId'),
      offset: asNumberIfWhole(query.offset),
      limit: asNumberIfWhole(query.limit),
    };
    for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
    return input;
  };

/** The reader for an operation's declared carriage (functions/operations.ts). */
export function readerFor(carriage: Carriage): HttpInputReader {
  switch (carriage.kind) {
    case 'body':
      return jsonBody;
    case 'body-or-query':
      return jsonBodyOrQuery(carriage.query.map((parameter) => parameter.name));
    case 'list-query':
      return listQuery(carriage.query.map((parameter) => parameter.name));
  }
}
