/**
 * The typed client that game servers and jobs use to invoke the friendship
 * functions directly through IAM (`lambda:InvokeFunction`). An error result
 * becomes a `FriendshipError` with the status and code an HTTP caller would get;
 * an answer that is no result at all (the function crashed or timed out, or
 * the payload is empty, not JSON or the wrong shape) becomes a 502 `INTERNAL`
 * naming the function, never a bare SyntaxError or TypeError.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ErrorCode } from '../functions/core/errors.js';
import { readDirectResult } from './direct-result.js';
import type { BulkAddInput, FriendPairInput, FriendRequestInput, ListFriendshipsInput } from '../functions/core/schemas.js';
import type { BulkAddResult, FriendshipList, FriendshipResult } from '../functions/core/response-schemas.js';
import type { OperationName } from '../functions/operations.js';

/** A direct invocation names the acting player: `userId` is required. */
type Acting<T> = Omit<T, 'userId'> & { userId: string };

export type RequestFriendPayload = Acting<FriendRequestInput>;
export type FriendPairPayload = Acting<FriendPairInput>;
export type ListFriendshipsPayload = Acting<ListFriendshipsInput>;
export type BulkAddPayload = BulkAddInput;

export class FriendshipError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'FriendshipError';
  }
}

export interface FriendshipClientOptions {
  /** The deployed function names (or ARNs), from the stack's outputs. */
  functionNames: Record<OperationName, string>;
  lambda?: LambdaClient;
}

export class FriendshipClient {
  private readonly lambda: LambdaClient;

  constructor(private readonly options: FriendshipClientOptions) {
    this.lambda = options.lambda ?? new LambdaClient({});
  }

  requestFriend(payload: RequestFriendPayload): Promise<FriendshipResult> {
    return this.invoke('request-friend', payload);
  }

  acceptFriend(payload: FriendPairPayload): Promise<FriendshipResult> {
    return this.invoke('accept-friend', payload);
  }

  rejectFriend(payload: FriendPairPayload): Promise<FriendshipResult> {
    return this.invoke('reject-friend', payload);
  }

  endFriendship(payload: FriendPairPayload): Promise<FriendshipResult> {
    return this.invoke('end-friendship', payload);
  }

  listFriendships(payload: ListFriendshipsPayload): Promise<FriendshipList> {
    return this.invoke('list-friendships', payload);
  }

  bulkAddFriendships(pairs: BulkAddPayload): Promise<BulkAddResult> {
    return this.invoke('bulk-add-friendships', pairs);
  }

  /**
   * `T` is what the operation's function answers in `data`: the same body an
   * HTTP caller gets. The envelope is checked; the body is the function's own.
   */
  private async invoke<T>(operation: OperationName, payload: unknown): Promise<T> {
    const functionName = this.options.functionNames[operation];
    const output = await this.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }));
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    const result = readDirectResult(text, output.FunctionError);
    if (result.kind === 'unreadable') {
      throw new FriendshipError(502, 'INTERNAL', `The friendship function ${functionName} (${operation}) ${result.why}.`);
    }
    if (result.kind === 'ok') return result.data as T;
    const { status, code, message, requestId } = result.error;
    throw new FriendshipError(status, code, message, requestId);
  }
}
