/**
 * The guard's store: one DynamoDB table, reached with the plain client and
 * hand-written attribute values (no document client: smaller bundles). Only
 * single-item calls (GetItem, conditional UpdateItem), since DynamoDB-compatible
 * local servers have no transactions. Each call takes its own deadline from the
 * invocation's remaining time; a store that fails or is too slow is
 * GUARD_UNAVAILABLE, and the guard fails closed.
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Deadline } from './deadline.js';
import { FriendshipFault } from './errors.js';
import type { GuardKey } from './guard-keys.js';
import { errorName } from './json.js';
import { logger } from './logger.js';

/** Below this there is no point starting a store call. */
const MIN_CALL_MS = 20;

export type StoreValue = string | number;

/** One conditional update: `SET` and the condition, with `#name` and `:value` placeholders. */
export interface ConditionalUpdate {
  readonly key: GuardKey;
  readonly update: string;
  readonly condition?: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, StoreValue>>;
}

const attribute = (value: StoreValue): AttributeValue => (typeof value === 'number' ? { N: String(value) } : { S: value });
const attributes = (values: Readonly<Record<string, StoreValue>>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, attribute(value)])) as Record<string, AttributeValue>;
const keyOf = (key: GuardKey) => attributes({ pk: key.pk, sk: key.sk });

/** An item's attributes as plain values (strings and numbers only: all the guard writes). */
function plain(item: Record<string, AttributeValue> | undefined): Record<string, StoreValue> | undefined {
  if (!item) return undefined;
  const values: Record<string, StoreValue> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) values[name] = value.S;
    else if (value.N !== undefined) values[name] = Number(value.N);
  }
  return values;
}

export const guardUnavailable = () =>
  new FriendshipFault('GUARD_UNAVAILABLE', 'The player guard could not decide on this call; nothing was sent. Try again shortly.', { retryAfter: '1' });

export class GuardStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: { tableName: string; timeoutMs: number },
  ) {}

  /** The container's store: the client finds its endpoint (AWS_ENDPOINT_URL_DYNAMODB locally) and credentials in the environment. */
  static fromEnvironment(options: { tableName: string; timeoutMs: number }): GuardStore {
    // The deadline bounds every call; the SDK's own retries stay within it.
    return new GuardStore(new DynamoDBClient({ maxAttempts: 2 }), options);
  }

  /** True when the update was made, false when its condition did not hold. */
  async update(request: ConditionalUpdate, deadline: Deadline): Promise<boolean> {
    try {
      await this.call(deadline, (abortSignal) =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.options.tableName,
            Key: keyOf(request.key),
            UpdateExpression: request.update,
            ConditionExpression: request.condition,
            ExpressionAttributeNames: request.names,
            ExpressionAttributeValues: attributes(request.values),
          }),
          { abortSignal },
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || errorName(error) === 'ConditionalCheckFailedException') return false;
      throw this.unavailable(error);
    }
  }

  async get(key: GuardKey, deadline: Deadline): Promise<Record<string, StoreValue> | undefined> {
    try {
      const reply = await this.call(deadline, (abortSignal) =>
        this.client.send(new GetItemCommand({ TableName: this.options.tableName, Key: keyOf(key), ConsistentRead: true }), { abortSignal }),
      );
      return plain(reply.Item);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** One call within its budget; a timer backs up the abort, so nothing waits past it. */
  private async call<T>(deadline: Deadline, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const budgetMs = deadline.budget(this.options.timeoutMs);
    if (budgetMs < MIN_CALL_MS) throw new StoreTimeout();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StoreTimeout());
      }, budgetMs);
    });
    try {
      return await Promise.race([send(controller.signal), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(error: unknown): FriendshipFault {
    if (error instanceof FriendshipFault) return error;
    logger.error('guard store unavailable', { errorName: errorName(error) });
    return guardUnavailable();
  }
}

class StoreTimeout extends Error {
  override readonly name = 'GuardStoreTimeout';
}
