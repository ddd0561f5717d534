import type { Page } from '@playwright/test';

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Calls the web host's local API from the page, with the page's own token, as the app does; answers the envelope. */
export async function callApi<T>(app: Page, method: string, input: unknown): Promise<Envelope<T>> {
  return app.evaluate(
    async ({ method, input }) => {
      const token = sessionStorage.getItem('bootmend.token') ?? '';
      const response = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bootmend-token': token }, body: JSON.stringify(input) });
      return response.json();
    },
    { method, input },
  );
}

/** The value of a call that must succeed (a refusal fails the test with its message). */
export async function apiValue<T>(app: Page, method: string, input: unknown): Promise<T> {
  const answer = await callApi<T>(app, method, input);
  if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
  return answer.value;
}
