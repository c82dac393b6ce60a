import { api, errorMessage, unwrap, type ResponseBody } from './api/client.js';

/** The engine status shown in the layout; pages that change mentors refresh it. */
export const engineStatus = $state<{ value: ResponseBody<'/api/status', 'get'> | null; error: string | null }>({
  value: null,
  error: null,
});

export async function refreshStatus(): Promise<void> {
  try {
    engineStatus.value = await unwrap(api.GET('/api/status'));
    engineStatus.error = null;
  } catch (err) {
    engineStatus.error = errorMessage(err);
  }
}
