/** Who is logged in. Loaded once from GET /api/me; a 401 means "show the login page". */
import { reactive } from 'vue';
import { api, ApiError, setCsrfToken } from './api/client';
import type { MeResponse } from './api/types';

export const session = reactive<{ me: MeResponse | null; checked: boolean; error: unknown }>({
  me: null,
  checked: false,
  error: null,
});

export async function loadSession(): Promise<void> {
  try {
    const me = await api.me();
    setCsrfToken(me.csrfToken);
    session.me = me;
    session.error = null;
  } catch (err) {
    session.me = null;
    session.error = err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? null : err;
  } finally {
    session.checked = true;
  }
}

/** Ends the server-side session (POST with the CSRF token), then shows the login page. */
export async function logout(): Promise<void> {
  try {
    await api.logout();
  } finally {
    session.me = null;
    setCsrfToken('');
  }
}
