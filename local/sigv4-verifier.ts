/**
 * Checks an AWS Signature Version 4 request against the local credential pair,
 * as AWS does before it looks at anything else: the Authorization header's
 * form, the access key id, the request date (within the clock skew AWS allows),
 * then the signature over the canonical request (method, path, query, the
 * signed headers and the body's hash). @smithy/signature-v4, the AWS SDK's own
 * signer, computes the expected signature; nothing of SigV4 is written here.
 * No IAM policy is evaluated: a request signed with the pair may do anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from './local-credentials.js';

/** AWS refuses a request dated more than 5 minutes from its own clock, either way. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request target as received, still percent-encoded: `/path?query`. */
  target: string;
  /** Every value of every header (node's `req.headersDistinct`). */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  body: Buffer;
}

/** Why a request is refused, in AWS's own terms (the Lambda API's `x-amzn-errortype`). */
export type SignatureRefusal =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

export type SignatureCheck = { ok: true; accessKeyId: string } | { ok: false; refusal: SignatureRefusal; message: string };

export interface VerifyOptions {
  credentials: LocalCredentials;
  /** The signing name the credential scope must carry: `lambda`, `execute-api`. */
  service: string;
  now?: number;
  maxSkewMs?: number;
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const refuse = (refusal: SignatureRefusal, message: string): SignatureCheck => ({ ok: false, refusal, message });
const incomplete = (message: string) => refuse('IncompleteSignatureException', message);

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
function parseAuthorization(value: string): ParsedAuthorization | string {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(value);
  if (!match) return 'Only AWS4-HMAC-SHA256 (Signature Version 4) is supported.';
  // A Map, not an object: the parameter names come from the client.
  const parameters = new Map<string, string>();
  for (const part of (match[1] ?? '').split(',')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) parameters.set(name, rest.join('='));
  }
  const credential = parameters.get('Credential') ?? '';
  const signedHeaders = parameters.get('SignedHeaders') ?? '';
  const signature = parameters.get('Signature') ?? '';
  const missing = [!credential && 'Credential', !signedHeaders && 'SignedHeaders', !signature && 'Signature'].filter(Boolean);
  if (missing.length > 0) return `Authorization header requires ${missing.map((name) => `'${name}'`).join(', ')} parameter(s).`;
  const [accessKeyId, date, region, service, terminator, ...extra] = credential.split('/');
  if (!accessKeyId || !date || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request' || extra.length > 0) {
    return `Credential should be <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request, not "${credential}".`;
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'Signature should be 64 hexadecimal digits.';
  const names = signedHeaders.split(';');
  if (names.some((name) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))) return 'SignedHeaders should be lower-case header names separated by ";".';
  return { accessKeyId, date, region, service, signedHeaders: names, signature };
}

function amzDate(value: string | undefined): number | undefined {
  const parts = value === undefined ? null : AMZ_DATE.exec(value);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Query parameters as the signer reads them: own keys only (a `__proto__` parameter is a parameter). */
function queryOf(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [existing, value].flat();
  }
  return query;
}

export async function verifySignature(request: SignedRequest, options: VerifyOptions): Promise<SignatureCheck> {
  const header = (name: string) => request.headers[name]?.join(',');
  const authorization = header('authorization');
  if (!authorization) return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === 'string') return incomplete(parsed);
  if (parsed.accessKeyId !== options.credentials.accessKeyId) return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (parsed.service !== options.service) return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'.`);

  const signedAt = amzDate(header('x-amz-date'));
  if (signedAt === undefined || !parsed.signedHeaders.includes('x-amz-date')) return incomplete('The request must carry a signed X-Amz-Date header (YYYYMMDDTHHMMSSZ).');
  const now = options.now ?? Date.now();
  const skew = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  if (signedAt < now - skew) return refuse('InvalidSignatureException', `Signature expired: ${iso(signedAt)} is now earlier than ${iso(now - skew)} (${iso(now)} - ${skew / 60_000} min.)`);
  if (signedAt > now + skew) return refuse('InvalidSignatureException', `Signature not yet current: ${iso(signedAt)} is still later than ${iso(now + skew)} (${iso(now)} + ${skew / 60_000} min.)`);
  if (iso(signedAt).slice(0, 8) !== parsed.date) return refuse('InvalidSignatureException', 'The date of the credential scope does not match the date of X-Amz-Date.');
  if (!parsed.signedHeaders.includes('host')) return incomplete("SignedHeaders must include 'host'.");

  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of parsed.signedHeaders) {
    const value = header(name);
    if (value === undefined) return refuse('InvalidSignatureException', `The signed header ${name} is not in the request.`);
    headers[name] = value;
  }
  // A signed payload hash must be the body's own: else the body could be swapped under a valid signature.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    return refuse('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const [path = '/', rawQuery = ''] = request.target.split(/\?(.*)/s);
  const signer = new SignatureV4({ credentials: options.credentials, region: parsed.region, service: parsed.service, sha256: Sha256, applyChecksum: false });
  const expected = await signer.sign(new HttpRequest({ method: request.method, protocol: 'http:', path, query: queryOf(rawQuery), headers, body: request.body }), {
    signingDate: new Date(signedAt),
    signableHeaders: new Set(parsed.signedHeaders),
  });
  const signature = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const matches = signature.length === parsed.signature.length && timingSafeEqual(Buffer.from(signature), Buffer.from(parsed.signature));
  return matches ? { ok: true, accessKeyId: parsed.accessKeyId } : refuse('InvalidSignatureException', MISMATCH);
}
