/**
 * One synthesized cloud assembly (a cdk.out) per stage of cdk.json, shared by the
 * suites that need one on disk (the deploy rehearsal deploys it with
 * `cdk deploy --app <dir>`; cfn-lint reads its template). They are built once
 * per change of the sources: the cache is keyed by a hash of everything the synth
 * reads, and a lock lets only one process build it while the others wait. Jest's
 * global setup (test/support/global-setup.mjs) starts that build in the background
 * when a selected suite needs it, so that it runs beside the first suites.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../lib/bundling.js';
import { stackNameOf } from '../../lib/names.js';
import { loadStageConfig, type StageConfig } from '../../lib/stage-config.js';
import { defaultSecretName } from '../../lib/upstream-secret.js';
import { runOrThrow } from './command.js';

/** cdk.json's context, as `cdk synth` reads it. */
export const cdkContext = (JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> & { stages: Record<string, unknown> } }).context;

/** Every stage cdk.json defines. */
export const stageNames: readonly string[] = Object.keys(cdkContext.stages);

/** The context of one stage's synth: cdk.json's, the stage, and `-c` overrides. */
export const stageContext = (stage: string, overrides: Readonly<Record<string, string>> = {}): Record<string, unknown> => ({ ...cdkContext, stage, ...overrides });

export const stageConfigOf = (stage: string, overrides: Readonly<Record<string, string>> = {}): StageConfig => loadStageConfig(stageContext(stage, overrides));

/**
 * What the deploy rehearsal changes before it deploys a stage into moto. moto's
 * CloudFormation has no AWS::SecretsManager::Secret: it skips it, the roles' grant
 * on it resolves to nothing, and CreateStack fails with "MalformedPolicyDocument:
 * Policy statement must contain resources". A stage that creates its secret is
 * therefore deployed with that same secret imported by name (as prod does), and
 * the rehearsal creates it in moto first. Nothing else differs.
 */
export function rehearsalOverrides(config: StageConfig): Record<string, string> {
  if (config.secret.source === 'name') return {};
  const name =
    config.secret.source === 'create'
      ? (config.secret.name ?? defaultSecretName(config.stage))
      : // An ARN's name, without the 6 characters Secrets Manager appends: moto gives the secret its own.
        (/:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(config.secret.arn)?.[1] ?? config.secret.arn);
  return { 'secret.source': 'name', 'secret.name': name };
}

export interface AssemblySpec {
  /** The directory name: the stage, or `<stage>.rehearsal` for the variant the rehearsal deploys. */
  readonly id: string;
  readonly stage: string;
  /** `-c` overrides, as the CLI would pass them. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** The stages as configured, and for each stage the rehearsal changes, its variant. */
export function assemblySpecs(): AssemblySpec[] {
  return stageNames.flatMap((stage) => {
    const overrides = rehearsalOverrides(stageConfigOf(stage));
    const asConfigured: AssemblySpec = { id: stage, stage, overrides: {} };
    return Object.keys(overrides).length === 0 ? [asConfigured] : [asConfigured, { id: `${stage}.rehearsal`, stage, overrides }];
  });
}

export interface StageAssembly {
  readonly stage: string;
  /** The cloud assembly directory, for `cdk deploy --app <dir>`. */
  readonly dir: string;
  readonly stackName: string;
  readonly templateFile: string;
  readonly overrides: Readonly<Record<string, string>>;
}

export interface StageAssemblies {
  /** Each stage as cdk.json configures it. */
  readonly asConfigured: Readonly<Record<string, StageAssembly>>;
  /** Each stage as the rehearsal deploys it (the same assembly when nothing needs changing). */
  readonly rehearsal: Readonly<Record<string, StageAssembly>>;
}

const cacheRoot = path.join(projectRoot, 'node_modules', '.cache', 'friendship-bff-assemblies');
const synthScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'synth-assemblies.ts');
const SYNTH_DEADLINE_MS = 240_000;
/** What the synth reads: a change to any of these is a new cache key. */
const synthInputs = ['bin', 'lib', 'functions', 'cdk.json', 'package-lock.json', 'tsconfig.json', 'test/support/stage-assemblies.ts', 'test/support/synth-assemblies.ts'];

async function filesUnder(entry: string): Promise<string[]> {
  const absolute = path.join(projectRoot, entry);
  if (!(await stat(absolute)).isDirectory()) return [entry];
  const names = await readdir(absolute, { recursive: true, withFileTypes: true });
  return names.filter((dirent) => dirent.isFile()).map((dirent) => path.relative(projectRoot, path.join(dirent.parentPath, dirent.name)));
}

async function cacheKey(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(synthInputs.map(filesUnder))).flat().sort();
  for (const file of files) hash.update(`${file}\0`).update(await readFile(path.join(projectRoot, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function assemblyOf(dir: string, spec: AssemblySpec): StageAssembly {
  const stackName = stackNameOf(spec.stage);
  return { stage: spec.stage, dir, stackName, templateFile: path.join(dir, `${stackName}.template.json`), overrides: spec.overrides };
}

function assembliesIn(root: string): StageAssemblies {
  const specs = assemblySpecs();
  const byId = new Map(specs.map((spec) => [spec.id, assemblyOf(path.join(root, spec.id), spec)]));
  const asConfigured = Object.fromEntries(stageNames.map((stage) => [stage, byId.get(stage)!]));
  const rehearsal = Object.fromEntries(stageNames.map((stage) => [stage, byId.get(`${stage}.rehearsal`) ?? byId.get(stage)!]));
  return { asConfigured, rehearsal };
}

const COMPLETE = 'complete';
const OWNER = 'pid';

/** Whether the process that holds the lock is gone (killed mid-synth, say): then the lock is stale. */
async function ownerGone(lock: string): Promise<boolean> {
  const owner = Number(await readFile(path.join(lock, OWNER), 'utf8').catch(() => ''));
  if (!owner) {
    // Just taken, and its owner not yet written; or left by a process that died right then.
    const taken = await stat(lock).catch(() => undefined);
    return !taken || Date.now() - taken.mtimeMs > 10_000;
  }
  try {
    process.kill(owner, 0);
    return false;
  } catch {
    return true;
  }
}

/** Waits while another process synthesizes: until its assemblies are complete, or it is gone. */
async function waitForOther(root: string, lock: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < SYNTH_DEADLINE_MS) {
    if (existsSync(path.join(root, COMPLETE))) return;
    if (!existsSync(lock) || (await ownerGone(lock))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`another process has been synthesizing the stages for over ${SYNTH_DEADLINE_MS / 1000} s (lock ${lock})`);
}

/** The assemblies of every stage, synthesized now unless the sources are unchanged since the last synth. */
export async function stageAssemblies(): Promise<StageAssemblies> {
  const root = path.join(cacheRoot, await cacheKey());
  const lock = `${root}.lock`;
  await mkdir(cacheRoot, { recursive: true });
  for (;;) {
    if (existsSync(path.join(root, COMPLETE))) return assembliesIn(root);
    try {
      await mkdir(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await waitForOther(root, lock);
      if (!existsSync(path.join(root, COMPLETE)) && (await ownerGone(lock))) await rm(lock, { recursive: true, force: true });
      continue;
    }
    try {
      await writeFile(path.join(lock, OWNER), String(process.pid));
      const building = `${root}.building`;
      await rm(building, { recursive: true, force: true });
      await runOrThrow('synthesizing the stages', process.execPath, ['--import', 'tsx', synthScript, building, JSON.stringify(assemblySpecs())], {
        cwd: projectRoot,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeoutMs: SYNTH_DEADLINE_MS,
      });
      await writeFile(path.join(building, COMPLETE), new Date().toISOString());
      await rm(root, { recursive: true, force: true });
      await rename(building, root);
      // Only the current sources' assemblies are kept.
      for (const entry of await readdir(cacheRoot)) {
        if (!entry.startsWith(path.basename(root))) await rm(path.join(cacheRoot, entry), { recursive: true, force: true });
      }
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
