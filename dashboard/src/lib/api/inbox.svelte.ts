import { api, unwrap } from './client.js';

/** How many of the signed-in user's notifications are unread, for the badge in the navigation. */
export const inbox = $state<{ unread: number }>({ unread: 0 });

/** Asks the engine again; a failure keeps the last count (the Inbox page itself says what went wrong). */
export async function refreshUnread(): Promise<void> {
  try {
    inbox.unread = (await unwrap(api.GET('/api/notifications', { params: { query: { limit: 1 } } }))).unread;
  } catch {
    // The badge is a hint: the engine being away is shown by the status in the header.
  }
}
