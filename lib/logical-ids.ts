/**
 * Constructs that group resources which used to sit directly in the stack. Their
 * own ids are left out of their resources' logical IDs (FriendshipStack's
 * allocateLogicalId), so a stack deployed before the grouping updates in place:
 * CloudFormation replaces nothing, and the functions, the API stage and the
 * secret, whose physical names are fixed, never collide with their replacements.
 */
import type { IConstruct } from 'constructs';

const GROUPING = Symbol.for('friendship-bff.grouping-construct');

export function markGrouping(construct: IConstruct): void {
  Object.defineProperty(construct, GROUPING, { value: true });
}

export const isGrouping = (construct: IConstruct): boolean => (construct as unknown as Record<symbol, unknown>)[GROUPING] === true;
