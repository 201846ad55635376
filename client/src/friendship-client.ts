/**
 * The typed client that game servers and jobs use to invoke the friendship
 * functions directly through IAM (`lambda:InvokeFunction`). An error result
 * becomes a `FriendshipError` with the status and code an HTTP caller would get;
 * an answer that is no result at all (the function crashed or timed out, or
 * the payload is empty, not JSON or the wrong shape), and a function name that
 * Lambda does not know, become a 502 `INTERNAL` naming the function, never a
 * bare SyntaxError, TypeError or SDK exception.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { readDirectResult } from './direct-result.js';
import type {
  AcceptFriendPayload,
  BulkAddFriendshipsPayload,
  BulkAddResult,
  EndFriendshipPayload,
  ErrorCode,
  FriendshipList,
  FriendshipResult,
  ListFriendshipsPayload,
  OperationName,
  PayloadOf,
  RejectFriendPayload,
  RequestFriendPayload,
  ResultOf,
} from './generated.js';

export class FriendshipError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FriendshipError';
  }
}

export interface FriendshipClientOptions {
  /** The deployed function names (or ARNs), from the stack's outputs. */
  functionNames: Record<OperationName, string>;
  /** Default: a `LambdaClient` configured from the environment (region, credentials, AWS_ENDPOINT_URL_LAMBDA). */
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

  acceptFriend(payload: AcceptFriendPayload): Promise<FriendshipResult> {
    return this.invoke('accept-friend', payload);
  }

  rejectFriend(payload: RejectFriendPayload): Promise<FriendshipResult> {
    return this.invoke('reject-friend', payload);
  }

  endFriendship(payload: EndFriendshipPayload): Promise<FriendshipResult> {
    return this.invoke('end-friendship', payload);
  }

  listFriendships(payload: ListFriendshipsPayload): Promise<FriendshipList> {
    return this.invoke('list-friendships', payload);
  }

  bulkAddFriendships(pairs: BulkAddFriendshipsPayload): Promise<BulkAddResult> {
    return this.invoke('bulk-add-friendships', pairs);
  }

  /**
   * Any operation by name. The result is what the operation's function answers
   * in `data`: the same body an HTTP caller gets. The envelope is checked; the
   * body is the function's own.
   */
  async invoke<N extends OperationName>(operation: N, payload: PayloadOf<N>): Promise<ResultOf<N>> {
    const functionName = this.options.functionNames[operation];
    const named = `The friendship function ${functionName} (${operation})`;
    let output;
    try {
      output = await this.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }));
    } catch (error) {
      // Checked by name: a caller's LambdaClient may come from another copy of the SDK.
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new FriendshipError(502, 'INTERNAL', `${named} does not exist in this account and region: check the function names.`, undefined, { cause: error });
      }
      throw error;
    }
    const result = readDirectResult(output.Payload?.transformToString('utf-8') ?? '', output.FunctionError);
    if (result.kind === 'unreadable') throw new FriendshipError(502, 'INTERNAL', `${named} ${result.why}.`);
    if (result.kind === 'ok') return result.data as ResultOf<N>;
    const { status, code, message, requestId } = result.error;
    throw new FriendshipError(status, code, message, requestId);
  }
}
