/**
 * The upstream credentials `{apiKey, projectId}` from Secrets Manager, cached per
 * container. Concurrent cold requests share one fetch; a warm request makes no
 * call; a rejected key is re-read once; a stale key keeps serving while Secrets
 * Manager is down.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Deadline } from './deadline.js';
import { FriendshipFault, isFault } from './errors.js';
import { errorName } from './json.js';
import { logger } from './logger.js';

export interface UpstreamCredentials {
  readonly apiKey: string;
  readonly projectId: string;
}

/** Reads the secret's text within `budgetMs`, this call's share of the invocation's time. */
export type SecretReader = (budgetMs: number) => Promise<string>;

interface Cached {
  credentials: UpstreamCredentials;
  fetchedAt: number;
}

export class SecretCache {
  private cached: Cached | undefined;
  private inflight: Promise<UpstreamCredentials> | undefined;

  constructor(
    private readonly read: SecretReader,
    private readonly options: { ttlMs: number; timeoutMs: number; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async get(deadline: Deadline): Promise<UpstreamCredentials> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.options.ttlMs) return cached.credentials;
    return this.fetch(deadline);
  }

  /** After the upstream rejected `rejected`: read afresh, unless another request already did. */
  async refresh(deadline: Deadline, rejected: UpstreamCredentials): Promise<UpstreamCredentials> {
    const cached = this.cached;
    if (cached && cached.credentials.apiKey !== rejected.apiKey) return cached.credentials;
    return this.fetch(deadline, true);
  }

  private fetch(deadline: Deadline, mustBeFresh = false): Promise<UpstreamCredentials> {
    this.inflight ??= this.load(deadline, mustBeFresh).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(deadline: Deadline, mustBeFresh: boolean): Promise<UpstreamCredentials> {
    const timeoutMs = deadline.budget(this.options.timeoutMs);
    let text: string;
    try {
      if (timeoutMs <= 0) throw new Error('no time left');
      text = await this.read(timeoutMs);
    } catch (error) {
      // A secret that was read but holds no usable value (SECRET_MALFORMED) is a fault of its own, not an outage.
      if (isFault(error)) throw error;
      const stale = this.cached;
      // A warm container keeps its key through a Secrets Manager outage, unless that key was just rejected.
      if (stale && !mustBeFresh) {
        logger.warn('secret refresh failed; serving the cached key', failureOf(error));
        return stale.credentials;
      }
      logger.error('secret unavailable', failureOf(error));
      throw new FriendshipFault('SECRET_UNAVAILABLE', 'The upstream credentials could not be read. Try again shortly.', {
        retryAfter: '1',
      });
    }
    const credentials = parseSecret(text);
    this.cached = { credentials, fetchedAt: this.now() };
    return credentials;
  }
}

/**
 * What the log says of a failed read: the error's name, and the HTTP status when
 * Secrets Manager answered. An answer the SDK cannot parse (as moto's XML
 * AccessDenied) is a SyntaxError; its 403 says what happened.
 */
function failureOf(error: unknown): { errorName: string; httpStatus?: number } {
  const httpStatus = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return { errorName: errorName(error), ...(typeof httpStatus === 'number' ? { httpStatus } : {}) };
}

/** Names a missing field, never a value: JSON.parse's own message can quote the secret. */
export function parseSecret(text: string): UpstreamCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FriendshipFault('SECRET_MALFORMED', 'The upstream secret is not a JSON object {"apiKey", "projectId"}.');
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  for (const field of ['apiKey', 'projectId'] as const) {
    const fieldValue = record[field];
    if (typeof fieldValue !== 'string' || fieldValue.length === 0) {
      throw new FriendshipFault('SECRET_MALFORMED', `The upstream secret has no usable "${field}" field.`);
    }
  }
  return { apiKey: record.apiKey as string, projectId: record.projectId as string };
}

/**
 * Reads one secret with the real SDK client, created once per container.
 * The client is built with the configured deadline (SECRET_TIMEOUT_MS), never
 * with one call's budget: a cold first call with little time left must not
 * leave its short timeout on every later read. Each call's own budget (what the
 * invocation has left, at most the configured deadline) is applied per call by
 * aborting it, which covers connecting, both attempts and the pause between them.
 */
export function secretsManagerReader(secretId: string, timeoutMs: number): SecretReader {
  let client: SecretsManagerClient | undefined;
  return async (budgetMs) => {
    // The abort ends a slow call; requestTimeout is the SDK's own per-attempt limit, kept at the configured deadline.
    client ??= new SecretsManagerClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: Math.min(1_000, timeoutMs), requestTimeout: timeoutMs },
    });
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: AbortSignal.timeout(budgetMs),
    });
    if (output.SecretString === undefined) {
      throw new FriendshipFault('SECRET_MALFORMED', 'The upstream secret has no string value: store {"apiKey", "projectId"} as its SecretString, not as SecretBinary.');
    }
    return output.SecretString;
  };
}
