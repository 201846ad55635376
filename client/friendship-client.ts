/**
 * The typed client that game servers and jobs use to invoke the friendship
 * functions directly through IAM (`lambda:InvokeFunction`). An error result
 * becomes a `FriendshipError` with the status and code an HTTP caller would get.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DirectResult } from '../functions/core/event.js';
import type { ErrorCode } from '../functions/core/errors.js';
import type {
  BulkAddInput,
  BulkAddResult,
  FriendPairInput,
  FriendRequestInput,
  FriendshipList,
  FriendshipResult,
  ListFriendshipsInput,
} from '../functions/core/schemas.js';
import type { OperationName } from '../functions/routes.js';

/** A direct invocation names the acting player: `userId` is required. */
type Acting<T> = Omit<T, 'userId'> & { userId: string };

export type RequestFriendPayload = Acting<FriendRequestInput>;
export type FriendPairPayload = Acting<FriendPairInput>;
export type ListFriendshipsPayload = Acting<ListFriendshipsInput>;
export type BulkAddPayload = BulkAddInput;

export class FriendshipError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'FUNCTION_ERROR',
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

  private async invoke<T>(operation: OperationName, payload: unknown): Promise<T> {
    const output = await this.lambda.send(
      new InvokeCommand({ FunctionName: this.options.functionNames[operation], Payload: JSON.stringify(payload) }),
    );
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    if (output.FunctionError) {
      throw new FriendshipError(502, 'FUNCTION_ERROR', `${operation} failed: ${functionErrorMessage(text)}`);
    }
    const result = JSON.parse(text) as DirectResult<T>;
    if (result.ok) return result.data;
    throw new FriendshipError(result.error.status, result.error.code as ErrorCode, result.error.message, result.error.requestId);
  }
}

function functionErrorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : 'unhandled error';
  } catch {
    return 'unhandled error';
  }
}
