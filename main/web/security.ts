import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh secret per launch: 256 bits, URL-safe, so it can travel in the URL fragment. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * DNS rebinding and cross-site defence: the Host header must name this loopback
 * listener, and a browser-supplied Origin (or Sec-Fetch-Site) must be our own.
 * Returns the reason for refusal, or null when the request may proceed.
 *
 * One cross-site request is let through: a top-level page load (GET of the renderer,
 * Sec-Fetch-Mode navigate, Sec-Fetch-Dest document). The browser is opened on a local
 * redirect page (open-page.ts), a file:// page, so its hop to the app counts as
 * cross-site; the renderer's files hold no secret, the token travels in the URL fragment
 * (never sent), and every API call still needs the token and a same-origin request.
 */
export function refuseForeign(req: IncomingMessage, port: number, options: { api: boolean } = { api: true }): string | null {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.has(host)) return 'Host header does not name this Bootmend instance';
  const origin = req.headers.origin;
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return 'request comes from another web origin';
  const site = req.headers['sec-fetch-site'];
  if ((site === 'cross-site' || site === 'same-site') && !(!options.api && isPageLoad(req))) return 'request comes from another web site';
  return null;
}

function isPageLoad(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
