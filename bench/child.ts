/**
 * A bench child: one fresh Node process that loads one bundle (BENCH_BUNDLE) the
 * way the Lambda runtime does, and runs what the parent asks over IPC.
 * Compiled by bench/harness.ts into .bench-tmp/child.mjs and run with plain
 * `node --enable-source-maps` (no tsx loader), so nothing but the bundle is timed.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { BadResponse, BenchEvent, ChildCommand, ChildReply, MemorySample } from './protocol.js';

type Handler = (event: BenchEvent, context: LambdaContext) => Promise<unknown>;

interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

const bundlePath = process.env.BENCH_BUNDLE ?? '';
const bundleUrl = pathToFileURL(bundlePath).href;
const TIMEOUT_MS = 16_000;

let handler: Handler | undefined;

function send(reply: ChildReply): void {
  process.send?.(reply);
}

/**
 * As the Lambda Node.js runtime loads a handler: `import()` for ESM, `require()`
 * for CommonJS. Importing a CJS file instead would add a cjs-module-lexer pass
 * over the whole bundle that Lambda never makes.
 */
async function load(): Promise<Handler> {
  const module = (bundlePath.endsWith('.cjs') ? createRequire(import.meta.url)(bundlePath) : await import(bundleUrl)) as {
    handler?: unknown;
  };
  const found = module.handler;
  if (typeof found !== 'function') throw new Error(`${bundleUrl} exports no handler`);
  return found as Handler;
}

function context(): LambdaContext {
  const started = Date.now();
  return {
    awsRequestId: randomUUID(),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
    getRemainingTimeInMillis: () => Math.max(0, started + TIMEOUT_MS - Date.now()),
  };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const MiB = 1024 * 1024;
function memory(): MemorySample {
  const usage = process.memoryUsage();
  const round = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
  return { rssMiB: round(usage.rss), heapUsedMiB: round(usage.heapUsed), maxRssMiB: round(process.resourceUsage().maxRSS * 1024) };
}

/** Every timed request must be a 200: a bench that times errors measures the wrong thing. */
function check(result: unknown): BadResponse | undefined {
  const answer = result as { statusCode?: unknown; body?: unknown } | undefined;
  const statusCode = typeof answer?.statusCode === 'number' ? answer.statusCode : undefined;
  if (statusCode === 200) return undefined;
  const body = typeof answer?.body === 'string' ? answer.body : JSON.stringify(result);
  return { statusCode, body: (body ?? '').slice(0, 300) };
}

async function run(command: ChildCommand): Promise<ChildReply | undefined> {
  switch (command.kind) {
    case 'cold': {
      const startUs = monotonicUs();
      const started = performance.now();
      handler = await load();
      const imported = performance.now();
      const importedUs = monotonicUs();
      const result = await handler(command.event, context());
      const ended = performance.now();
      const endUs = monotonicUs();
      const bad = check(result);
      return {
        kind: 'cold',
        totalMs: ended - started,
        importMs: imported - started,
        statusCode: bad ? bad.statusCode : 200,
        bad,
        memory: memory(),
        windowUs: { start: startUs, imported: importedUs, end: endUs },
      };
    }
    case 'burst': {
      const started = performance.now();
      const loaded = await load();
      handler = loaded;
      const results = await Promise.all(command.events.map((event) => loaded(event, context())));
      const bads = results.map(check).filter((bad) => bad !== undefined);
      return { kind: 'burst', okCount: results.length - bads.length, bad: bads[0], totalMs: performance.now() - started };
    }
    case 'run': {
      if (!handler) throw new Error('run before the bundle was loaded');
      const latenciesMs: number[] = [];
      let okCount = 0;
      let bad: BadResponse | undefined;
      for (const event of command.events) {
        const ctx = context();
        const started = performance.now();
        const result = await handler(event, ctx);
        latenciesMs.push(performance.now() - started);
        const problem = check(result);
        if (problem) bad ??= problem;
        else okCount += 1;
      }
      return { kind: 'run', latenciesMs, okCount, bad, memory: memory() };
    }
    case 'exit':
      // A clean exit, so that --cpu-prof writes its profile; pooled sockets would otherwise keep the process alive.
      process.exit(0);
  }
}

process.on('message', (message: ChildCommand) => {
  run(message).then(
    (reply) => reply && send(reply),
    (error: unknown) => send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
send({ kind: 'ready' });
