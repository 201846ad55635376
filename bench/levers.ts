/**
 * `npx tsx bench/levers.ts [--rounds N] [--only a,b]`: measures each cold-start
 * lever on its own before anyone changes the shipped code. Every variant is the
 * shipped request-friend bundle with one thing changed, built into
 * .bench-tmp/variants/<name>/; all are cold-started in alternating order, a
 * fresh process each, exactly as `npm run bench` does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BuildOptions, Plugin } from 'esbuild';
import { projectRoot } from '../lib/bundling.js';
import {
  buildChild,
  buildNaive,
  buildVariant,
  bundles,
  Child,
  functionEnv,
  quantile,
  requestFriendEvent,
  round,
  sizeOf,
  sortNumbers,
  startUpstreams,
} from './harness.js';

/** Serves `contents` in place of a module, resolved from the project root. */
function replaceModule(name: string, specifier: RegExp, contents: string): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: specifier }, (args) => ({ path: args.path, namespace: name }));
      build.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js', resolveDir: projectRoot }));
    },
  };
}

/** Rewrites one of our source files on its way into the bundle. */
function patchSource(name: string, file: RegExp, patch: (source: string) => string): Plugin {
  return {
    name,
    setup(build) {
      build.onLoad({ filter: file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const patched = patch(source);
        if (patched === source) throw new Error(`${name}: the patch did not apply to ${args.path}`);
        return { contents: patched, loader: 'ts' };
      });
    },
  };
}

/** The same calls our logger.ts makes, one JSON line each, nothing else. */
const loggerStub = `
export class Logger {
  constructor(options) { this.keys = { service: options?.serviceName }; }
  appendKeys(keys) { Object.assign(this.keys, keys); }
  removeKeys(names) { for (const name of names) delete this.keys[name]; }
  write(level, message, extra) {
    process.stdout.write(JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...this.keys, ...extra }) + '\\n');
  }
  debug() {}
  info(message, extra) { this.write('INFO', message, extra); }
  warn(message, extra) { this.write('WARN', message, extra); }
  error(message, extra) { this.write('ERROR', message, extra); }
}`;

/**
 * Every zod schema in schemas.ts wrapped in a pure-annotated arrow that is called
 * at once, so esbuild drops the ones a function never uses (the output shapes
 * exist for the OpenAPI document; each function reads one input schema).
 */
const pureSchemas = () =>
  patchSource('pure-schemas', /functions\/core\/schemas\.ts$/, (source) =>
    source.replace(
      /^((?:export )?const \w+ = )(z\.[\s\S]*?);\n/gm,
      (_, head: string, expression: string) => `${head}/* @__PURE__ */ (() => ${expression})();\n`,
    ),
  );

/** Each lever measured against what ships: the two kept levers undone, and the ones not taken applied. */
const levers: Record<string, { why: string; options: BuildOptions }> = {
  baseline: { why: 'the shipped options (sourcesContent off, env-only credential provider)', options: {} },
  'sources-content-on': { why: 'kept lever undone: the sources embedded in the source map', options: { sourcesContent: true } },
  'full-credential-chain': { why: "kept lever undone: the SDK's whole default credential chain bundled", options: { alias: {} } },
  'both-undone': { why: 'both kept levers undone (what shipped before)', options: { sourcesContent: true, alias: {} } },
  'no-source-map': { why: 'no source map at all (not deployable as specified; shows what maps cost)', options: { sourcemap: false } },
  'logger-stub': {
    why: 'not taken: Powertools Logger replaced by a 15-line JSON logger',
    options: { plugins: [replaceModule('logger-stub', /^@aws-lambda-powertools\/logger$/, loggerStub)] },
  },
  'full-zod': {
    why: 'zod/mini swapped for full zod (what mini saves)',
    options: {
      plugins: [
        {
          name: 'full-zod',
          setup(build) {
            build.onResolve({ filter: /^zod\/mini$/ }, (args) => build.resolve('zod', { resolveDir: args.resolveDir, kind: args.kind }));
          },
        },
      ],
    },
  },
  'pure-schemas': { why: 'not taken: unused zod schemas dropped from the bundle (pure-annotated)', options: { plugins: [pureSchemas()] } },
  'sdk-cjs-entry': { why: "the SDK's CommonJS entry (mainFields main first) instead of its ESM one", options: { mainFields: ['main', 'module'] } },
};

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, only: { type: 'string' } } });
const rounds = Number(values.rounds);
const names = values.only ? ['baseline', ...values.only.split(',').filter((name) => name !== 'baseline')] : Object.keys(levers);

await Promise.all([buildChild(), buildNaive()]);
const files: Record<string, string> = {};
for (const name of names) {
  const lever = levers[name];
  if (!lever) throw new Error(`no lever ${name}; known: ${Object.keys(levers).join(', ')}`);
  files[name] = await buildVariant(name, lever.options);
}
// The naive peer runs in the same rotation, so each variant's ours/naive ratio comes from one run.
names.push('naive');
files.naive = bundles.naive;

const samples: Record<string, { total: number[]; imports: number[] }> = Object.fromEntries(names.map((name) => [name, { total: [], imports: [] }]));
const upstreams = await startUpstreams();
try {
  const env = functionEnv(upstreams);
  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    // Rotate the order each round so no variant always runs first.
    const order = names.map((_, index) => names[(index + roundIndex) % names.length] as string);
    for (const name of order) {
      const child = await Child.start(files[name] as string, env);
      try {
        const reply = await child.ask({ kind: 'cold', event: requestFriendEvent(`lever_${name.replace(/[^A-Za-z0-9_-]/g, '_')}_${roundIndex}`) });
        if (reply.bad) throw new Error(`${name} answered ${reply.bad.statusCode}: ${reply.bad.body}`);
        samples[name]?.total.push(reply.totalMs);
        samples[name]?.imports.push(reply.importMs);
      } finally {
        await child.stop();
      }
    }
    process.stderr.write(`  round ${roundIndex + 1}/${rounds}\n`);
  }
} finally {
  await upstreams.stop();
}

const median = (values: number[]) => quantile(sortNumbers(values), 0.5);
const base = median(samples.baseline?.total ?? []);
process.stdout.write(`\nCold start of request-friend variants, median of ${rounds} fresh processes each (--enable-source-maps)\n`);
const naive = median(samples.naive?.total ?? []);
process.stdout.write(
  `${'variant'.padEnd(24)} ${'raw KB'.padStart(7)} ${'map KB'.padStart(7)} ${'cold ms'.padStart(8)} ${'Δ ms'.padStart(7)} ${'/naive'.padStart(6)} ${'import ms'.padStart(9)}  what changed\n`,
);
for (const name of names) {
  const size = await sizeOf(files[name] as string);
  const total = median(samples[name]?.total ?? []);
  const row = [
    name.padEnd(24),
    (size.bytes / 1000).toFixed(1).padStart(7),
    (size.mapBytes / 1000).toFixed(1).padStart(7),
    String(round(total)).padStart(8),
    String(round(total - base)).padStart(7),
    String(round(total / naive, 3)).padStart(6),
    String(round(median(samples[name]?.imports ?? []))).padStart(9),
  ];
  process.stdout.write(`${row.join(' ')}  ${levers[name]?.why ?? 'the naive peer (reference)'}\n`);
}
process.stdout.write(`\nVariants are in ${path.relative(projectRoot, path.join(projectRoot, '.bench-tmp', 'variants'))}/.\n`);
