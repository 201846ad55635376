/**
 * client/ as another repository gets it: copied to a directory outside this
 * one, with only its own files, its own package.json and tsconfig, and the
 * packages its package.json names (linked from this repository's node_modules,
 * so no network). Its own `npm run build` compiles it there, so an import of
 * the functions, or of anything it does not declare, fails the build. The
 * built package is then used as documented (configured from the environment)
 * against the local stack's Lambda Invoke endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { projectRoot } from '../../lib/bundling.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { localCredentials } from '../support/local-credentials.js';
import { rejectionOf } from '../support/rejection.js';

type ClientPackage = typeof import('@friendship-bff/client');

const run = promisify(execFile);
const clientSource = path.join(projectRoot, 'client');

let copy: string;
let build: { stdout: string; stderr: string };
let client: ClientPackage;
let stack: LocalStack;
const savedEnv = { ...process.env };

/** The packages client/package.json names, linked from this repository's node_modules, and `tsc` on their bin path. */
async function linkDeclaredPackages(into: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(into, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const names = [...new Set(['dependencies', 'peerDependencies', 'devDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {})))];
  for (const name of names) {
    const link = path.join(into, 'node_modules', name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(projectRoot, 'node_modules', name), link, 'dir');
  }
  await mkdir(path.join(into, 'node_modules', '.bin'));
  await symlink(path.join('..', 'typescript', 'bin', 'tsc'), path.join(into, 'node_modules', '.bin', 'tsc'));
  return names.sort();
}

/** This run's npm settings (npm_config_*, npm_package_*) describe this repository, not the copy; and npm stays off the network. */
const envOutsideThisPackage = () => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_'))),
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
});

beforeAll(async () => {
  copy = await mkdtemp(path.join(os.tmpdir(), 'friendship-client-'));
  await cp(clientSource, copy, { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) });
  await linkDeclaredPackages(copy);
  build = await run('npm', ['run', '--silent', 'build'], { cwd: copy, env: envOutsideThisPackage(), timeout: 60_000 }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`the copied client does not build on its own:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  });
  client = (await import(pathToFileURL(path.join(copy, 'dist', 'index.js')).href)) as ClientPackage;
  stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false });
}, 90_000);

afterAll(async () => {
  process.env = savedEnv;
  await stack?.stop();
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('the client, copied out of this repository', () => {
  it('declares what it needs: the Lambda SDK (as a peer), zod, and TypeScript to build', async () => {
    expect(copy.startsWith(projectRoot)).toBe(false);
    const manifest = JSON.parse(await readFile(path.join(copy, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['@aws-sdk/client-lambda']);
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['zod']);
  });

  it('builds with its own package.json and tsconfig, quietly, into dist/ with type declarations', () => {
    expect(build).toEqual({ stdout: '', stderr: '' });
    for (const file of ['index.js', 'index.d.ts', 'friendship-client.js', 'generated.d.ts']) expect(existsSync(path.join(copy, 'dist', file))).toBe(true);
  });

  it('invokes the local functions, configured only from the environment (AWS_ENDPOINT_URL_LAMBDA, the local pair, any region)', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: stack.url,
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    const friends = new client.FriendshipClient({ functionNames: Object.fromEntries(client.operationNames.map((name) => [name, name])) as Record<(typeof client.operationNames)[number], string> });
    const { friendship } = await friends.requestFriend({ userId: 'cpy_alice1', friendId: 'cpy_bob001' });
    expect(friendship).toMatchObject({ status: 'requested', user_id: 'cpy_alice1', friend_id: 'cpy_bob001' });
    expect(await friends.listFriendships({ userId: 'cpy_bob001', status: 'pending' })).toEqual([expect.objectContaining({ friend_id: 'cpy_alice1' })]);

    const refused = await rejectionOf(friends.acceptFriend({ userId: 'cpy_alice1', friendId: 'cpy_alice1' }), client.FriendshipError);
    expect({ status: refused.status, code: refused.code }).toEqual({ status: 400, code: 'SELF_FRIENDSHIP' });
  });
});
