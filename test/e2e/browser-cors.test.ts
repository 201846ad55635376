/**
 * A browser game calls the local API across origins: headless Chromium loads a
 * page from a loopback server on another port and uses `fetch`, preflights
 * included, with the CORS policy built as the stage's is (lib/cors.ts). The
 * allowed origin gets a session, makes a request and reads an exposed header;
 * another origin is blocked by the browser.
 *
 * Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it). Without
 * it the file is skipped with one line, except under CI=true, where it fails.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { corsPolicyOf } from '../../lib/cors.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveChromium = existsSync(CHROMIUM);
const ci = process.env.CI === 'true';

if (!haveChromium && !ci) process.stderr.write(`browser-cors.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);

/** A page server on loopback: its origin is what the browser sends as Origin. */
async function pageServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>a browser game</title><p>game</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the game's script sees: a session, a friend request with its x-request-id, and a refusal it can read. */
async function playFromPage(page: Page, apiUrl: string) {
  return page.evaluate(async (api) => {
    const session = await fetch(`${api}/local/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ playerId: 'web_alice01' }) });
    const { token } = (await session.json()) as { token: string };
    const request = await fetch(`${api}/v1/api/friendship/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ friendId: 'web_bob0001' }),
    });
    const refused = await fetch(`${api}/v1/api/friendships`);
    return {
      session: session.status,
      request: { status: request.status, requestId: request.headers.get('x-request-id'), body: (await request.json()) as unknown },
      refused: { status: refused.status, body: (await refused.json()) as unknown },
    };
  }, apiUrl);
}

async function blockedFromPage(page: Page, apiUrl: string): Promise<string> {
  return page.evaluate(async (api) => {
    try {
      const reply = await fetch(`${api}/local/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ playerId: 'web_mallory' }) });
      return `answered ${reply.status}`;
    } catch (error) {
      return `blocked: ${(error as Error).name}`;
    }
  }, apiUrl);
}

if (!haveChromium && ci) {
  describe('a browser game across origins', () => {
    it('has Chromium', () => {
      throw new Error(`CI=true and no Chromium at ${CHROMIUM}: .ci/run must install Debian's chromium package`);
    });
  });
}

(haveChromium ? describe : describe.skip)('a browser game across origins', () => {
  let game: Awaited<ReturnType<typeof pageServer>>;
  let elsewhere: Awaited<ReturnType<typeof pageServer>>;
  let stack: LocalStack;
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    [game, elsewhere] = await Promise.all([pageServer(), pageServer()]);
    stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false, cors: corsPolicyOf({ allowOrigins: [game.origin], maxAgeSeconds: 600 }) });
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'friendship-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([stack?.stop(), game?.close(), elsewhere?.close()]);
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('from the allowed origin: a session, a friend request whose x-request-id the script can read, and a readable 401', async () => {
    const page = await browser.newPage();
    await page.goto(`${game.origin}/`);
    const seen = await playFromPage(page, stack.url);
    expect(seen.session).toBe(200);
    expect(seen.request).toEqual({
      status: 200,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      body: { friendship: expect.objectContaining({ status: 'requested', user_id: 'web_alice01', friend_id: 'web_bob0001' }) },
    });
    expect(seen.refused).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    await page.close();
  });

  it('from another origin: the browser blocks the call', async () => {
    const page = await browser.newPage();
    await page.goto(`${elsewhere.origin}/`);
    expect(await blockedFromPage(page, stack.url)).toBe('blocked: TypeError');
    await page.close();
  });
});
