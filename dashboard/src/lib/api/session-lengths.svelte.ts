import type { SessionLength } from '$lib/session-requests.js';

/**
 * The session lengths the programme offers (minutes), for the request form. Mentees may not read the session
 * settings; every answer of a mentor's free slots carries them, and the form follows the latest. Until the
 * first answer, the programme default is offered.
 */
const lengths = $state<{ value: SessionLength[] }>({ value: [15, 30] });

export function sessionLengths(): readonly SessionLength[] {
  return lengths.value;
}

/** Takes the lengths an engine answer named, unless they are the ones already offered. */
export function offerSessionLengths(offered: readonly SessionLength[]): void {
  if (offered.length === 0) return;
  if (offered.length === lengths.value.length && offered.every((l, i) => l === lengths.value[i])) return;
  lengths.value = [...offered];
}
