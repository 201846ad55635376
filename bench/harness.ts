/**
 * The benchmark's parts: the reference bundles (naive, floor), the child that
 * loads a bundle like a Lambda container, the loopback upstreams, and the
 * statistics. Shared by bench/run.ts and bench/profile.ts.
 */
import { functionEnvironment } from '../functions/core/config.js';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { cpus, totalmem, release, platform, arch } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { bundleFile, bundleOptions, projectRoot } from '../lib/bundling.js';
import { startUpstreams as startLocalUpstreams, type Upstreams } from '../local/upstreams.js';
import type { BenchEvent, ChildCommand, ChildReply } from './protocol.js';

export const benchDir = path.join(projectRoot, 'bench');
export const tmpDir = path.join(projectRoot, '.bench-tmp');
export const childScript = path.join(tmpDir, 'child.mjs');

export type Implementation = 'ours' | 'naive' | 'floor';
export const implementations: readonly Implementation[] = ['ours', 'naive', 'floor'];

export const API_KEY = 'bench-api-key-Q7w2Lm9Xc4';
export const PROJECT_ID = 'bench-project-3e1d';
export const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:friendship-bff/bench-upstream-AbCdEf';
export const PLAYER_ID = 'bench_player';

/** The shipped options, as `npm run build` passes them to esbuild. */
export function shippedOptions(): BuildOptions {
  return {
    ...bundleOptions,
    mainFields: [...bundleOptions.mainFields],
    banner: { js: bundleOptions.banner },
    alias: { ...bundleOptions.alias },
    absWorkingDir: projectRoot,
    bundle: true,
    metafile: true,
    logLevel: 'warning',
  };
}

export const bundles = {
  ours: bundleFile('request-friend'),
  naive: path.join(tmpDir, 'naive', 'index.cjs'),
  floor: path.join(tmpDir, 'floor', 'index.mjs'),
} as const satisfies Record<Implementation, string>;

/** The naive peer as its first version would ship: CommonJS, esbuild's defaults for node (`main` first). */
export async function buildNaive(): Promise<Metafile> {
  const result = await build({
    entryPoints: [path.join(benchDir, 'naive-handler.ts')],
    outfile: bundles.naive,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

/** The floor with exactly our options: only the entry differs. */
export async function buildFloor(outfile: string = bundles.floor, overrides: BuildOptions = {}): Promise<Metafile> {
  const result = await build({ ...shippedOptions(), ...overrides, entryPoints: [path.join(benchDir, 'floor-handler.ts')], outfile });
  return result.metafile as Metafile;
}

/** A variant of the shipped request-friend bundle, for measuring a lever before proposing it. */
export async function buildVariant(name: string, overrides: BuildOptions): Promise<string> {
  const outfile = path.join(tmpDir, 'variants', name, 'index.mjs');
  await build({ ...shippedOptions(), entryPoints: [path.join(projectRoot, 'functions', 'request-friend.ts')], outfile, ...overrides });
  return outfile;
}

/** The child runs under plain node, so it is compiled once per bench run. */
export async function buildChild(): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  await build({
    entryPoints: [path.join(benchDir, 'child.ts')],
    outfile: childScript,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
}

export async function sizeOf(file: string): Promise<BundleSize> {
  const code = await readFile(file);
  const map = await stat(`${file}.map`).catch(() => undefined);
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, mapBytes: map?.size ?? 0 };
}

export type { Upstreams };

export const startUpstreams = (): Promise<Upstreams> => startLocalUpstreams({ apiKey: API_KEY, projectId: PROJECT_ID, secretArn: SECRET_ARN });

/**
 * A Lambda-like environment, built from nothing: the parent's own (tsx's loader
 * options included) must not leak into the child. Credentials are in the
 * environment, as Lambda puts them.
 */
export function functionEnv(upstreams: Upstreams): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_LAMBDA_FUNCTION_NAME: 'request-friend',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'AKIABENCH00000000000',
    AWS_SECRET_ACCESS_KEY: 'bench-only-not-a-real-secret-access-key',
    AWS_SESSION_TOKEN: 'bench-only-session-token',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: upstreams.secrets.url,
    // The naive peer reads these two by the same names.
    ...functionEnvironment({ secretId: SECRET_ARN, upstreamBaseUrl: upstreams.emulator.baseUrl, guardEnabled: false }),
  };
}

let eventCounter = 0;

/** An API Gateway HTTP API v2 event for request-friend from a JWT-verified player, as the deployed API sends it. */
export function requestFriendEvent(friendId: string): BenchEvent {
  eventCounter += 1;
  const body = JSON.stringify({ friendId, message: 'gg' });
  return {
    version: '2.0',
    routeKey: 'POST /v1/api/friendship/request',
    rawPath: '/v1/api/friendship/request',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: `bench-${eventCounter}`,
      http: { method: 'POST', path: '/v1/api/friendship/request', sourceIp: '127.0.0.1' },
      authorizer: { jwt: { claims: { sub: PLAYER_ID, iss: 'https://issuer.bench/', aud: 'game' }, scopes: null } },
    },
  };
}

/** One bench child: a fresh process with one bundle, talking over IPC. */
export class Child {
  private readonly waiting: Array<(reply: ChildReply) => void> = [];
  private stderr = '';

  private constructor(private readonly process: ChildProcess) {
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    process.on('message', (reply: ChildReply) => this.waiting.shift()?.(reply));
    process.on('exit', (code, signal) => {
      for (const resolve of this.waiting.splice(0)) resolve({ kind: 'error', message: `child exited (${code ?? signal}): ${this.stderr}` });
    });
  }

  /**
   * `--enable-source-maps`, as deployed (NODE_OPTIONS on the function). Logs go to
   * /dev/null: writing them is timed, reading them is not the function's cost.
   */
  static async start(bundle: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
    const child = new Child(
      fork(childScript, [], {
        execArgv: ['--enable-source-maps', ...execArgv],
        env: { ...env, BENCH_BUNDLE: bundle },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'json',
      }),
    );
    const ready = await child.next();
    if (ready.kind !== 'ready') throw new Error(`bench child failed to start: ${JSON.stringify(ready)}`);
    return child;
  }

  private next(): Promise<ChildReply> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** One command, one reply. A child that hangs fails the bench instead of stalling it. */
  async ask<K extends ChildCommand['kind']>(command: Extract<ChildCommand, { kind: K }>, timeoutMs = 120_000): Promise<Extract<ChildReply, { kind: K }>> {
    const reply = this.next();
    this.process.send(command);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ChildReply>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'error', message: `no answer to ${command.kind} within ${timeoutMs} ms: ${this.stderr}` }), timeoutMs);
    });
    const answer = await Promise.race([reply, timeout]);
    clearTimeout(timer);
    if (answer.kind === 'error') throw new Error(`bench child: ${answer.message}`);
    if (answer.kind !== command.kind) throw new Error(`bench child answered ${answer.kind} to ${command.kind}`);
    return answer as Extract<ChildReply, { kind: K }>;
  }

  /** Asks the process to exit on its own (so --cpu-prof writes its profile) and waits for it. */
  async finish(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send({ kind: 'exit' } satisfies ChildCommand);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the process and waits for it, so no two cold children ever overlap. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGKILL');
    await exited;
  }
}

/** Nearest-rank quantile of an already sorted list. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export const sortNumbers = (values: readonly number[]) => [...values].sort((a, b) => a - b);
export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export interface Spread {
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = sortNumbers(values);
  return {
    medianMs: round(quantile(sorted, 0.5)),
    p25Ms: round(quantile(sorted, 0.25)),
    p75Ms: round(quantile(sorted, 0.75)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    runs: sorted.length,
  };
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}
