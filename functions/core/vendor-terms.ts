/**
 * Where our words meet the vendor's: kept in one place so that a correction
 * found against the live service is a one-line change.
 */
import { LIST_DEFAULT_LIMIT, type FriendshipStatus, type ListFriendshipsInput } from './schemas.js';

/**
 * Our list statuses in the vendor's filter. We follow the Japanese page: the
 * sender sees an open request under `requested`, the recipient under `pending`.
 */
const vendorListStatus: Record<FriendshipStatus, string> = {
  requested: 'requested',
  pending: 'pending',
  accepted: 'accepted',
  rejected: 'rejected',
};

/** The docs say `per_page`; the vendor's SDK examples say `limit`. */
const VENDOR_PAGE_SIZE_KEY = 'per_page';

export function vendorListQuery(input: ListFriendshipsInput & { userId: string }): Record<string, string> {
  return {
    filter: JSON.stringify({ status: vendorListStatus[input.status ?? 'accepted'], user_id: input.userId }),
    option: JSON.stringify({ offset: input.offset ?? 0, [VENDOR_PAGE_SIZE_KEY]: input.limit ?? LIST_DEFAULT_LIMIT }),
  };
}
