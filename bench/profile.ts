/**
 * `npx tsx bench/profile.ts [--impl ours|naive|floor] [--bundle FILE] [--runs N] [--phase all|import|invoke]`:
 * where a cold start's time goes. Runs fresh bench children under
 * `node --cpu-prof`, keeps only the samples between the start of the bundle's
 * import and the end of its first request, maps every bundle frame back through
 * the source map to its package, and prints self and inclusive time per package.
 * Run `npm run bench` (or `npm run build`) first: it profiles the built bundles.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildChild,
  buildFloor,
  buildNaive,
  bundles,
  Child,
  functionEnv,
  requestFriendEvent,
  round,
  startUpstreams,
  tmpDir,
  type Implementation,
} from './harness.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package a source belongs to: `@scope/name`, `name`, or our own code. */
function ownerOf(source: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (match) return match[1] as string;
  if (/(^|\/)functions\//.test(source)) return 'functions/ (our code)';
  if (/(^|\/)bench\//.test(source)) return 'bench/ (reference handler)';
  return source;
}

/** Frames outside the bundle: V8's pseudo-frames, Node's own modules, or the bench child. */
function nonBundleOwner(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName || '(anonymous)';
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/').slice(0, 2).join('/')}`;
  if (frame.url.endsWith('child.mjs')) return '(bench child)';
  return frame.url;
}

export interface ProfileSummary {
  windowMs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  functions: Map<string, number>;
}

/** Accumulates one profile's samples inside the window into the summary. */
export function summarise(profile: CpuProfile, window: { start: number; end: number }, bundleUrl: string, map: SourceMap, into: ProfileSummary): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = new Map<number, { pkg: string; fn: string }>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    if (frame.url === bundleUrl) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
      const source = 'originalSource' in entry ? String(entry.originalSource) : 'unmapped';
      const line = 'originalLine' in entry ? Number(entry.originalLine) + 1 : 0;
      const pkg = ownerOf(source);
      owner.set(node.id, { pkg, fn: `${frame.functionName || '(anonymous)'} ${source.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '')}:${line}` });
    } else {
      const pkg = nonBundleOwner(frame);
      owner.set(node.id, { pkg, fn: `${frame.functionName || '(anonymous)'} ${pkg}` });
    }
  }
  const add = (table: Map<string, number>, key: string, value: number) => table.set(key, (table.get(key) ?? 0) + value);
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    time += profile.timeDeltas[index] ?? 0;
    // The sample's cost is the gap to the next sample.
    const cost = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    if (time < window.start || time > window.end) continue;
    const id = profile.samples[index] as number;
    const self = owner.get(id);
    if (!self) continue;
    into.windowMs += cost;
    add(into.self, self.pkg, cost);
    add(into.functions, self.fn, cost);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const pkg = owner.get(at)?.pkg;
      if (pkg && !seen.has(pkg)) {
        seen.add(pkg);
        add(into.inclusive, pkg, cost);
      }
      if (!byId.has(at)) break;
    }
  }
}

export type Phase = 'all' | 'import' | 'invoke';

export async function profileCold(bundle: string, runs: number, label: string, phase: Phase = 'all'): Promise<ProfileSummary> {
  const dir = path.join(tmpDir, 'profiles', label);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const map = new SourceMap(JSON.parse(await readFile(`${bundle}.map`, 'utf8')) as SourceMapPayload);
  const bundleUrl = pathToFileURL(bundle).href;
  const summary: ProfileSummary = { windowMs: 0, self: new Map(), inclusive: new Map(), functions: new Map() };
  const upstreams = await startUpstreams();
  try {
    const env = functionEnv(upstreams);
    for (let run = 0; run < runs; run += 1) {
      const runDir = path.join(dir, String(run));
      const child = await Child.start(bundle, env, ['--cpu-prof', `--cpu-prof-dir=${runDir}`, '--cpu-prof-interval=50']);
      const reply = await child.ask({ kind: 'cold', event: requestFriendEvent(`profile_${label}_${run}`) });
      if (reply.bad) throw new Error(`${label} answered ${reply.bad.statusCode}: ${reply.bad.body}`);
      await child.finish();
      const [file] = await readdir(runDir);
      if (!file) throw new Error(`no profile written in ${runDir}`);
      const profile = JSON.parse(await readFile(path.join(runDir, file), 'utf8')) as CpuProfile;
      const { start, imported, end } = reply.windowUs;
      const window = phase === 'import' ? { start, end: imported } : phase === 'invoke' ? { start: imported, end } : { start, end };
      summarise(profile, window, bundleUrl, map, summary);
    }
  } finally {
    await upstreams.stop();
  }
  return summary;
}

export function printSummary(label: string, summary: ProfileSummary, runs: number, top = 18): void {
  const per = (ms: number) => round(ms / runs, 2);
  const rows = (table: Map<string, number>) => [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const print = (text: string) => process.stdout.write(`${text}\n`);
  print(`\n${label}: ${per(summary.windowMs)} ms of samples per cold start (window: import → first answer, or the --phase part), mean of ${runs} runs`);
  print('  self time by owner (ms)            inclusive (ms)');
  const inclusive = summary.inclusive;
  for (const [name, ms] of rows(summary.self)) print(`  ${name.padEnd(44)} ${String(per(ms)).padStart(7)}   ${String(per(inclusive.get(name) ?? 0)).padStart(7)}`);
  print('  inclusive only (packages whose callees do the work)');
  for (const [name, ms] of rows(inclusive).filter(([name]) => !rows(summary.self).some(([self]) => self === name))) {
    print(`  ${name.padEnd(44)} ${''.padStart(7)}   ${String(per(ms)).padStart(7)}`);
  }
  print('  hottest functions (self ms)');
  for (const [name, ms] of rows(summary.functions)) print(`    ${String(per(ms)).padStart(6)}  ${name}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      impl: { type: 'string', default: 'ours' },
      bundle: { type: 'string' },
      runs: { type: 'string', default: '10' },
      phase: { type: 'string', default: 'all' },
      top: { type: 'string', default: '18' },
    },
  });
  const phase = values.phase as Phase;
  const runs = Number(values.runs);
  await buildChild();
  const impl = values.impl as Implementation;
  if (!values.bundle && impl === 'naive') await buildNaive();
  if (!values.bundle && impl === 'floor') await buildFloor();
  const bundle = values.bundle ? path.resolve(values.bundle) : bundles[impl];
  const label = values.bundle ? path.basename(path.dirname(bundle)) : impl;
  printSummary(`${label} (${phase})`, await profileCold(bundle, runs, label, phase), runs, Number(values.top));
}
