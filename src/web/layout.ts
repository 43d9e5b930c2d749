/**
 * The HTML shell every page shares: escaping, a navigation bar, a small stylesheet and the notice
 * shown when the pages are open (no access control configured). No front-end framework: pages are
 * complete without JavaScript; small inline scripts only enhance them.
 */

import type { Context } from 'hono';

/** Who is signed in and whether the pages are open, for the page shell. */
export type PageChrome = (c: Context) => { readonly viewer?: string | undefined; readonly open: boolean };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A string safe inside an inline `<script>` (JSON, with `<` escaped so `</script>` cannot close it). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface LayoutInput {
  readonly title: string;
  readonly body: string;
  /** Show the navigation bar. @defaultValue true */
  readonly nav?: boolean;
  /** Who is signed in (shown with a sign-out button). */
  readonly viewer?: string | undefined;
  /** Pages served without access control (loopback only). */
  readonly open?: boolean;
  /** Extra inline script (already safe). */
  readonly script?: string;
}

const CSS = `*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#fff}
header{display:flex;gap:1.25rem;align-items:center;padding:.6rem 1.5rem;background:#24292f;color:#fff}
header a{color:#fff;text-decoration:none;font-weight:600}header a:hover{text-decoration:underline}
header .who{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:12px}
header form{margin:0}header button{font-size:12px}
main{margin:1.5rem auto;max-width:1200px;padding:0 1.5rem}
.notice{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .75rem;border-radius:6px;margin-bottom:1rem}
pre{white-space:pre-wrap;background:#f6f8fa;padding:1rem;border-radius:6px;overflow-x:auto;font-size:12px}
code{font-size:12px}table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}dt{font-weight:600}dd{margin:0 0 .5rem 0}.err{color:#b00}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;border:1px solid #d0d7de}
.ok{background:#dafbe1;border-color:#4ac26b}.bad{background:#ffebe9;border-color:#ff8182}.wait{background:#fff8c5;border-color:#d4a72c}.unknown{background:#f6f8fa}
.muted{color:#656d76}.small{font-size:12px}form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}
form.filters label{display:flex;flex-direction:column;font-size:12px}input,select,button{font:inherit;padding:.25rem .4rem}
.login{display:flex;gap:.5rem;align-items:end}.login label{display:flex;flex-direction:column}
a.button{display:inline-block;padding:.35rem .7rem;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;color:#1f2328;text-decoration:none}
.snippet{position:relative}.snippet button{position:absolute;top:.4rem;right:.4rem}`;

export function layout(input: LayoutInput): string {
  const nav = input.nav === false ? '' : `<header><a href="/">pave</a><a href="/matrix">Matrix</a><a href="/catalog">Catalog</a><a href="/admin/queues">Queues</a>
<span class="who">${input.viewer ? `signed in as <b id="viewer">${escapeHtml(input.viewer)}</b><form method="post" action="/logout"><button type="submit">Sign out</button></form>` : ''}</span></header>`;
  const open = input.open
    ? '<p class="notice" id="open-notice">No access control is configured (no PAVE_UI_TOKEN, no GitHub login): these pages answer loopback clients only.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)} · pave</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin">
<style>${CSS}</style></head>
<body>${nav}<main>${open}${input.body}</main>${input.script ? `<script>${input.script}</script>` : ''}</body></html>`;
}
