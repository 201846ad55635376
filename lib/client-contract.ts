/**
 * What the typed client (client/) is generated from: the route table, the zod
 * schemas and the error table, read here and nowhere else, so that when they
 * move (into an operation registry) only `clientContract` is repointed.
 */
import type * as z from 'zod/mini';
import { errorStatus, type ErrorCode } from '../functions/core/errors.js';
import { bulkAddResult, friendship, friendshipList, friendshipResult, player } from '../functions/core/response-schemas.js';
import {
  bulkAddInput,
  friendPairInput,
  friendRequestInput,
  friendshipPair,
  friendshipResultStatus,
  listFriendshipsInput,
} from '../functions/core/schemas.js';
import { operationNames, routes, type Access, type OperationName } from '../functions/routes.js';

export interface ClientOperation {
  readonly name: OperationName;
  readonly access: Access;
  readonly summary: string;
  /** What the function validates its event with. */
  readonly input: z.ZodMiniType;
  /** What it answers in `data`. */
  readonly result: z.ZodMiniType;
}

export interface ClientContract {
  readonly operations: readonly ClientOperation[];
  /** The shapes that get a type of their own, by type name; a schema used inside another is referred to by that name. */
  readonly namedTypes: Readonly<Record<string, z.ZodMiniType>>;
  readonly errorCodes: readonly ErrorCode[];
}

/** Each operation's input and result: today in the handler files and lib/openapi.ts, so read from the schemas here. */
const operationSchemas: Record<OperationName, { input: z.ZodMiniType; result: z.ZodMiniType }> = {
  'request-friend': { input: friendRequestInput, result: friendshipResult },
  'accept-friend': { input: friendPairInput, result: friendshipResult },
  'reject-friend': { input: friendPairInput, result: friendshipResult },
  'end-friendship': { input: friendPairInput, result: friendshipResult },
  'list-friendships': { input: listFriendshipsInput, result: friendshipList },
  'bulk-add-friendships': { input: bulkAddInput, result: bulkAddResult },
};

export function clientContract(): ClientContract {
  return {
    operations: operationNames.map((name) => ({ name, access: routes[name].access, summary: routes[name].summary, ...operationSchemas[name] })),
    namedTypes: {
      FriendshipResult: friendshipResult,
      FriendshipList: friendshipList,
      BulkAddResult: bulkAddResult,
      Friendship: friendship,
      FriendshipStatus: friendshipResultStatus,
      Player: player,
      FriendshipPair: friendshipPair,
    },
    errorCodes: Object.keys(errorStatus) as ErrorCode[],
  };
}
