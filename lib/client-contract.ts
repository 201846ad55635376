/**
 * What the typed client (client/) is generated from: the operation registry
 * (functions/operations.ts), its answers' schemas and the error table.
 */
import type * as z from 'zod/mini';
import { errorStatus, type ErrorCode } from '../functions/core/errors.js';
import { answers, friendship, player } from '../functions/core/response-schemas.js';
import { friendshipPair, friendshipResultStatus } from '../functions/core/schemas.js';
import { operationNames, operations, type Access, type OperationName } from '../functions/operations.js';

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

export function clientContract(): ClientContract {
  return {
    operations: operationNames.map((name) => {
      const { access, summary, input, answer } = operations[name];
      return { name, access, summary, input, result: answers[answer] };
    }),
    namedTypes: {
      ...answers,
      Friendship: friendship,
      FriendshipStatus: friendshipResultStatus,
      Player: player,
      FriendshipPair: friendshipPair,
    },
    errorCodes: Object.keys(errorStatus) as ErrorCode[],
  };
}
