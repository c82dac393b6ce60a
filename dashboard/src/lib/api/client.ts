import createClient, { type ClientPathsWithMethod, type MethodResponse } from 'openapi-fetch';
import type { components, paths } from './schema.js';

/**
 * Same origin: the engine serves the dashboard and the API; `vite dev` proxies /api to it. The browser sends the
 * HTTP-only session cookie with every request (session.svelte.ts signs in and out).
 */
export const api = createClient<paths>({ baseUrl: '' });

export type Schemas = components['schemas'];

type Method = 'get' | 'post' | 'patch' | 'delete';

/**
 * The success body of a route as the client hands it over: openapi-fetch reads the generated types through its
 * own lens (a tuple such as a metric's interval becomes an array), so this is its type, not the document's.
 */
export type ResponseBody<P extends ClientPathsWithMethod<typeof api, M>, M extends Method> = MethodResponse<
  typeof api,
  M,
  P
>;

/** The JSON request body of a route. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** An engine error (its stable code and message) or a network failure, ready to show to a person. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null = null,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function fromBody(body: unknown, response: Response): ApiError {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    const code = 'code' in body && typeof body.code === 'string' ? body.code : null;
    return new ApiError(body.message, response.status, code, 'details' in body ? body.details : undefined);
  }
  return new ApiError(`The engine answered ${response.status} ${response.statusText}`.trim(), response.status);
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the engine's
 * message; a fetch that never reached the engine becomes a readable error too.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('Cannot reach the engine. Is it running?', null);
  }
  if (result.error !== undefined || !result.response.ok) throw fromBody(result.error, result.response);
  return result.data as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
