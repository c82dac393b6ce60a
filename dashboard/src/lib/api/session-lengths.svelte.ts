import type { SessionLength } from '$lib/session-requests.js';

/**
 * The session lengths the programme offers (minutes), for the request form. The engine refuses a length it
 * does not offer with a message saying which it does; until it has said, the programme default is offered.
 */
const lengths = $state<{ value: SessionLength[] }>({ value: [15, 30] });

export function sessionLengths(): readonly SessionLength[] {
  return lengths.value;
}
