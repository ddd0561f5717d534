import { create } from 'zustand';
import type { WhoAmI } from '../../core/backend/dashboard.js';
import { ApiError, helpdeskApi } from './api.js';

/** sessionStorage only: the token goes when the tab closes, and never reaches localStorage or a cookie. */
const TOKEN_KEY = 'bootmend.helpdesk.token';

export type SessionState =
  | { phase: 'signed-out'; error: string | null }
  | { phase: 'checking' }
  | { phase: 'signed-in'; token: string; who: WhoAmI };

interface SessionStore {
  session: SessionState;
  signIn(token: string): Promise<void>;
  /** On start: the token this tab signed in with, if any. */
  resume(): Promise<void>;
  signOut(reason?: string): void;
}

function remember(token: string | null): void {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage refused (private mode): the session lasts until reload
  }
}

/**
 * The token in a sign-in link (`…/#token=bmt_…`, as `npm start` prints BOOTMEND_HELPDESK_URL),
 * taken out of the address bar at once so it is not bookmarked, shared or kept in history.
 */
function tokenFromLink(): string | null {
  const hash = window.location.hash;
  if (!hash.startsWith('#token=')) return null;
  const token = decodeURIComponent(hash.slice('#token='.length));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return token || null;
}

/** The sentence for a token the dashboard cannot use. */
export function signInError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'This token was not accepted: it is unknown or has been revoked. Check that you pasted all of it (it starts with bmt_), or ask an admin for a new one.';
  if (error instanceof ApiError) return error.message;
  return 'Signing in failed; reload the page and try again.';
}

export const useSession = create<SessionStore>((set) => ({
  session: { phase: 'signed-out', error: null },
  signIn: async (raw) => {
    const token = raw.trim();
    if (!token) {
      set({ session: { phase: 'signed-out', error: 'Paste a token first: a helpdesk or admin token made with `bootmend-server token create`.' } });
      return;
    }
    set({ session: { phase: 'checking' } });
    try {
      const who = await helpdeskApi(token).call('whoAmI', {}, 'Signing in');
      if (who.role === 'technician') {
        remember(null);
        set({ session: { phase: 'signed-out', error: `"${who.name}" is a technician token: the dashboard needs a helpdesk or admin token.` } });
        return;
      }
      remember(token);
      set({ session: { phase: 'signed-in', token, who } });
    } catch (error) {
      remember(null);
      set({ session: { phase: 'signed-out', error: signInError(error) } });
    }
  },
  resume: async () => {
    const linked = tokenFromLink();
    if (linked) {
      await useSession.getState().signIn(linked);
      return;
    }
    let token: string | null = null;
    try {
      token = window.sessionStorage.getItem(TOKEN_KEY);
    } catch {
      token = null;
    }
    if (token) await useSession.getState().signIn(token);
  },
  signOut: (reason) => {
    remember(null);
    set({ session: { phase: 'signed-out', error: reason ?? null } });
  },
}));

/** The signed-in token; screens only render when signed in. */
export function useToken(): string {
  const session = useSession((s) => s.session);
  return session.phase === 'signed-in' ? session.token : '';
}
