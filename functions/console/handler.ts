import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import middy from '@middy/core';
import type { HttpEvent, HttpResult } from '#shared/http.ts';
import { observability } from '#shared/observability.ts';

/**
 * The HR console's static files (issue 5): one page, its ES modules and its style, served by the same HTTP
 * API. They hold no data: the script signs HR in and calls the authenticated JSON API with the session's
 * token, which it keeps in sessionStorage only. `config.json` tells the script how HR signs in: Cognito's
 * managed login in AWS, the token `npm start` prints locally.
 */
const ASSETS_DIR = process.env.CONSOLE_ASSETS_DIR ?? fileURLToPath(new URL('../../console/', import.meta.url));

/** The kinds of file the console serves, by extension; nothing else in the folder (its tsconfig, its type declarations) is served. */
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
/** A module or style sheet named in lower case, digits and dashes: no dot, slash or percent sign can reach the file system. */
const SERVED_NAME = /^[a-z][a-z0-9-]*\.(js|css)$/;
const PAGE = { file: 'index.html', type: 'text/html; charset=utf-8' };

type Asset = { file: string; type: string };

/**
 * The allow-list of paths: the page at /console, and each module and style sheet in the folder at
 * /console/<name>, read from the folder's listing so a new page module needs no edit here. A request is
 * looked up by its exact path, so only a listed name is ever read.
 */
function listAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>([
    ['/console', PAGE],
    ['/console/', PAGE],
  ]);
  for (const name of readdirSync(ASSETS_DIR)) {
    const kind = SERVED_NAME.exec(name)?.[1];
    const type = kind && TYPES[kind];
    if (type) assets.set(`/console/${name}`, { file: name, type });
  }
  return assets;
}

const cache = new Map<string, string>();
// In Lambda the files never change under a running instance (listed once per cold start); locally an edit, or a new module, shows on the next reload.
const cacheFiles = process.env.CONSOLE_ASSETS_DIR !== undefined;
let listed: Map<string, Asset> | undefined;

function assets(): Map<string, Asset> {
  if (!cacheFiles || !listed) listed = listAssets();
  return listed;
}

function asset(file: string): string {
  if (!cacheFiles) return readFileSync(join(ASSETS_DIR, file), 'utf8');
  if (!cache.has(file)) cache.set(file, readFileSync(join(ASSETS_DIR, file), 'utf8'));
  return cache.get(file)!;
}

const HEADERS = {
  // Scripts and styles from this origin only; the API is the same origin; Cognito's login is a navigation, and its token endpoint a fetch.
  'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${process.env.CONSOLE_AUTH_DOMAIN ? ` ${process.env.CONSOLE_AUTH_DOMAIN}` : ''}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function config() {
  const domain = process.env.CONSOLE_AUTH_DOMAIN;
  const clientId = process.env.CONSOLE_CLIENT_ID;
  const base = (process.env.BASE_URL ?? '').replace(/\/$/, '');
  return domain && clientId ? { auth: 'cognito', domain, clientId, redirectUri: `${base}/console` } : { auth: 'local' };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(observability())
  .handler(async (event) => {
    const path = event.rawPath;
    // The API's bare URL (what `npm start` and the deploy print) leads a browser to the console.
    if (path === '/')
      return { statusCode: 302, headers: { ...HEADERS, location: '/console', 'cache-control': 'no-store' }, body: '' };
    if (path === '/console/config.json') {
      return {
        statusCode: 200,
        headers: { ...HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        body: JSON.stringify(config()),
      };
    }
    const found = assets().get(path);
    if (!found)
      return {
        statusCode: 404,
        headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' },
        body: 'not found',
      };
    return {
      statusCode: 200,
      headers: { ...HEADERS, 'content-type': found.type, 'cache-control': 'no-cache' },
      body: asset(found.file),
    };
  });
