/**
 * `npm start` (bin/local.ts) as a developer runs it: it prints a banner whose
 * URLs work and whose walk-through, pasted into a shell, plays a friendship
 * through (the README's quick start is that walk-through); it stops cleanly on
 * SIGTERM and SIGINT, and a second instance on a taken port says so plainly and
 * exits non-zero without a stack trace. It runs the tsx
 * binary that `npx tsx` / `npm start` resolve to, directly, so that SIGTERM
 * reaches bin/local.ts rather than an npm wrapper.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../lib/bundling.js';
import { DEFAULT_LOCAL_CREDENTIALS } from '../../local/local-credentials.js';
import { send } from '../support/http.js';

const TSX = path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const BANNER_END = 'Press Ctrl+C to stop.';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Running[] = [];

function startLocal(port: string, args: string[] = []): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: port };
  delete env.AUTH_MODE;
  delete env.UPSTREAM_BASE_URL;
  delete env.CORS_STAGE;
  delete env.LOCAL_ACCESS_KEY_ID;
  delete env.LOCAL_SECRET_ACCESS_KEY;
  // Its own process group, so that cleanup after a failed test can reach its containers too.
  const child = spawn(process.execPath, [TSX, 'bin/local.ts', ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = { child, stdout: () => out, stderr: () => err, exited };
  started.push(running);
  return running;
}

/** Resolves when the output holds `text`; rejects if the process exits first or the time runs out. */
function waitFor(running: Running, text: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${text}" within ${timeoutMs} ms; stdout: ${running.stdout()} stderr: ${running.stderr()}`)), timeoutMs);
    const check = () => running.stdout().includes(text) && done();
    const exit = () => done(new Error(`exited before "${text}"; stdout: ${running.stdout()} stderr: ${running.stderr()}`));
    function done(error?: Error) {
      clearTimeout(timer);
      running.child.stdout?.off('data', check);
      running.child.off('exit', exit);
      if (error) reject(error);
      else resolve();
    }
    running.child.stdout?.on('data', check);
    running.child.once('exit', exit);
    check();
  });
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref())]);

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}


/** The banner's copy-and-paste lines. */
const walkthroughOf = (banner: string) =>
  banner
    .split('\n')
    .filter((line) => /^ {2}(ALICE=|BOB=|curl )/.test(line))
    .map((line) => line.slice(2));

/** Pastes the lines into bash, as a developer would, and returns one parsed answer per printed line. */
async function runInShell(lines: string[]): Promise<unknown[]> {
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', lines.join('\n')], { timeout: 30_000 });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

/** What the walk-through must show: request, requested, pending, accept, friends, end, nothing left. */
function expectTheFriendshipPlayedThrough(answers: unknown[]): void {
  expect(answers).toEqual([
    { friendship: expect.objectContaining({ status: 'requested', user_id: 'alice_01', friend_id: 'bob_0002', message: 'gg' }) },
    [expect.objectContaining({ status: 'requested', user_id: 'alice_01', friend_id: 'bob_0002' })],
    [expect.objectContaining({ status: 'pending', user_id: 'bob_0002', friend_id: 'alice_01' })],
    { friendship: expect.objectContaining({ status: 'accepted', user_id: 'bob_0002', friend_id: 'alice_01' }) },
    [expect.objectContaining({ status: 'accepted', user_id: 'alice_01', friend_id: 'bob_0002' })],
    { friendship: expect.objectContaining({ status: 'deleted', user_id: 'alice_01', friend_id: 'bob_0002' }) },
    [],
  ]);
}

afterAll(async () => {
  // Only if a test failed midway: stop what this file started, by its process group.
  for (const running of started) {
    if (running.child.exitCode === null && running.child.signalCode === null && running.child.pid !== undefined) {
      try {
        process.kill(-running.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await within(running.exited, 10_000, 'cleanup').catch(() => undefined);
    }
  }
});

describe('npm start', () => {
  it('prints a banner whose URLs work, refuses a second instance on the same port, and stops cleanly on SIGTERM', async () => {
    const first = startLocal('0');
    await waitFor(first, BANNER_END);
    const banner = first.stdout();

    // The banner lists the URLs, with the port the system chose.
    const url = /HTTP API\s+(http:\/\/127\.0\.0\.1:(\d+))\n/.exec(banner)?.[1];
    expect(url).toBeDefined();
    const base = url as string;
    const port = Number(new URL(base).port);
    expect(port).toBeGreaterThan(0);
    expect(banner).toContain(`POST ${base}/local/session`);
    expect(banner).toContain(`JWKS: ${base}/local/jwks.json`);
    expect(banner).toContain(`AWS_ENDPOINT_URL_LAMBDA=${base}`);
    // The local credential pair, which the Invoke API and the bulk route check signatures against.
    expect(banner).toContain(`AWS_ACCESS_KEY_ID=${DEFAULT_LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${DEFAULT_LOCAL_CREDENTIALS.secretAccessKey}`);
    expect(banner).toContain('CORS                browsers from http://localhost:5173, https://game-dev.example.com');
    expect(banner).toContain(`OpenAPI             ${base}/openapi.json`);
    expect(banner).toMatch(/upstream\s+embedded Ncloud emulator at http:\/\/127\.0\.0\.1:\d+\/v1\/api/);
    expect(banner).toMatch(/Secrets Manager\s+embedded endpoint at http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toContain(`curl -s -X POST ${base}/v1/api/friendship/request`);

    // And they answer.
    expect((await send(base, 'GET', '/openapi.json')).status).toBe(200);
    const jwks = await send(base, 'GET', '/local/jwks.json');
    expect(jwks.body).toMatchObject({ keys: [expect.objectContaining({ kty: 'RSA', alg: 'RS256' })] });
    const session = await send(base, 'POST', '/local/session', { json: { playerId: 'start_alice' } });
    expect(session.body).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String) });
    const token = (session.body as { token: string }).token;
    const listed = await send(base, 'GET', '/v1/api/friendships', { token });
    expect({ status: listed.status, body: listed.body }).toEqual({ status: 200, body: [] });

    // The walk-through, pasted into a shell, plays a friendship through; the README's quick start is the same lines on port 3000.
    const walkthrough = walkthroughOf(banner);
    expect(walkthrough).toHaveLength(9);
    expectTheFriendshipPlayedThrough(await runInShell(walkthrough));
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
    expect(quickStart?.[1]?.trim()).toBe('npm ci\nnpm start');
    expect(quickStart?.[2]?.trim().split('\n')).toEqual(walkthrough.map((line) => line.replaceAll(base, 'http://127.0.0.1:3000')));

    // A second instance on the same port: a plain message, a non-zero exit, no stack trace.
    const second = startLocal(String(port));
    const outcome = await within(second.exited, 20_000, 'the second instance');
    expect(outcome).toEqual({ code: 1, signal: null });
    expect(second.stderr()).toContain(`Port ${port} is already in use.`);
    expect(second.stderr()).toContain('PORT=3001 npm start');
    expect(second.stderr()).not.toMatch(/^\s+at /m);
    expect(second.stderr()).not.toMatch(/Error:|EADDRINUSE/);
    expect(second.stdout()).not.toContain(BANNER_END);
    // The first is unharmed.
    expect((await send(base, 'GET', '/openapi.json')).status).toBe(200);

    // SIGTERM: a clean exit, and the port is free again.
    first.child.kill('SIGTERM');
    expect(await within(first.exited, 10_000, 'stopping on SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('SIGTERM: stopping');
    expect(first.stderr()).not.toMatch(/^\s+at /m);
    expect(await portIsFree(port)).toBe(true);
  }, 60_000);

  it('--auth gamepot: its walk-through plays a friendship through with GamePot sessions, and it stops cleanly on SIGINT', async () => {
    const local = startLocal('0', ['--auth', 'gamepot']);
    await waitFor(local, BANNER_END);
    const banner = local.stdout();
    expect(banner).toContain('player auth: gamepot');
    expect(banner).toContain('/local/gamepot/login');
    const walkthrough = walkthroughOf(banner);
    expect(walkthrough.filter((line) => line.startsWith('curl ')).every((line) => line.includes('x-gamepot-member-id: '))).toBe(true);
    expectTheFriendshipPlayedThrough(await runInShell(walkthrough));

    local.child.kill('SIGINT');
    expect(await within(local.exited, 10_000, 'stopping on SIGINT')).toEqual({ code: 0, signal: null });
    expect(local.stdout()).toContain('SIGINT: stopping');
  }, 60_000);

  it.each(['abc', '99999'])('PORT=%s: one plain line and a non-zero exit, no stack trace', async (port) => {
    const local = startLocal(port);
    const outcome = await within(local.exited, 20_000, `PORT=${port}`);
    expect(outcome).toEqual({ code: 1, signal: null });
    expect(local.stderr().trim().split('\n')).toEqual([`PORT must be a whole number from 0 to 65535 (0 picks a free port), not "${port}": e.g. PORT=3001 npm start`]);
    expect(local.stdout()).not.toContain(BANNER_END);
  });

  it('Ctrl-C (SIGINT to the whole process group, as a terminal sends it) lets a request in flight finish with its real answer', async () => {
    const local = startLocal('0');
    await waitFor(local, BANNER_END);
    const banner = local.stdout();
    const base = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)\n/.exec(banner)?.[1] as string;
    const emulator = new URL(/embedded Ncloud emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] as string);
    // The vendor takes 1.5 s over the next call.
    await send(emulator.origin, 'POST', '/__emulator/faults', { json: { fault: { kind: 'delay', ms: 1_500 }, times: 1 } });
    const session = await send(base, 'POST', '/local/session', { json: { playerId: 'ctrlc_alice' } });
    const token = (session.body as { token: string }).token;
    const inFlight = send(base, 'POST', '/v1/api/friendship/request', { token, json: { friendId: 'ctrlc_bob01' } });
    // Once the call is with the vendor, Ctrl-C.
    for (let tries = 0; tries < 200; tries += 1) {
      const stats = await send(emulator.origin, 'GET', '/__emulator/stats');
      if ((stats.body as { attempts: number }).attempts > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.kill(-(local.child.pid as number), 'SIGINT');
    const reply = await inFlight;
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 200,
      body: { friendship: expect.objectContaining({ status: 'requested', user_id: 'ctrlc_alice', friend_id: 'ctrlc_bob01' }) },
    });
    expect(await within(local.exited, 10_000, 'stopping on SIGINT')).toEqual({ code: 0, signal: null });
    expect(local.stdout()).toContain('SIGINT: stopping');
    expect(local.stdout()).not.toMatch(/ 5\d\d \d+ ms/);
    expect(local.stderr()).toBe('');
  }, 60_000);
});
