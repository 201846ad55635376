/**
 * Who an operation acts for. Over HTTP it is the session's player, and a
 * `userId` naming anyone else is refused; in a direct invocation the payload
 * names the player. The self-friendship check ignores letter case.
 */
import { FriendshipFault } from './errors.js';
import { mayBeSamePlayer } from './schemas.js';

/** A player operation's input: the acting player is optional over HTTP and filled in from the session. */
interface PlayerInput {
  userId?: string | undefined;
  friendId?: string;
}

/** An input with its acting player filled in. */
export type WithActingPlayer<I> = I extends PlayerInput ? I & { userId: string } : I;

export function withActingPlayer<I>(input: I, sessionPlayerId: string | undefined): WithActingPlayer<I> {
  const fields = input as PlayerInput;
  if (sessionPlayerId !== undefined && fields.userId !== undefined && fields.userId !== sessionPlayerId) {
    throw new FriendshipFault('IDENTITY_MISMATCH', 'A player may only act as themselves: userId must be your own id or left out.');
  }
  const userId = sessionPlayerId ?? fields.userId;
  if (userId === undefined) throw new FriendshipFault('MISSING_FIELD', 'userId is required in a direct invocation.');
  if (fields.friendId !== undefined && mayBeSamePlayer(fields.friendId, userId)) throw new FriendshipFault('SELF_FRIENDSHIP', 'A player cannot befriend themselves.');
  return { ...input, userId } as WithActingPlayer<I>;
}
