import type { HtmlTagDescriptor, Plugin } from 'vite';

/**
 * The head every Bootmend page shares (technician app and helpdesk dashboard): the strict CSP,
 * viewport, no referrer, light and dark. Each index.html keeps only its title; this plugin puts
 * the rest first in <head>. Under `vite` (dev server only) React refresh injects an inline
 * preamble, so the policy there allows inline scripts and styles; `vite build` keeps it strict.
 */
const POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
const DEV_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** `faviconHref`: relative for the technician app (served at `/` and `bootmend://app/`), absolute for the helpdesk. */
export function pageHead(options: { faviconHref: string }): Plugin {
  let devServer = false;
  const meta = (attrs: Record<string, string>): HtmlTagDescriptor => ({ tag: 'meta', attrs, injectTo: 'head-prepend' });
  return {
    name: 'bootmend:page-head',
    configResolved(config) {
      devServer = config.command === 'serve';
    },
    transformIndexHtml: () => [
      meta({ charset: 'UTF-8' }),
      meta({ 'http-equiv': 'Content-Security-Policy', content: devServer ? DEV_POLICY : POLICY }),
      meta({ name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      meta({ name: 'referrer', content: 'no-referrer' }),
      meta({ name: 'color-scheme', content: 'light dark' }),
      { tag: 'link', attrs: { rel: 'icon', type: 'image/svg+xml', href: options.faviconHref }, injectTo: 'head-prepend' },
    ],
  };
}
