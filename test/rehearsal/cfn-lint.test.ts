/**
 * cfn-lint (AWS's CloudFormation linter, 1.51 from the machine image) on the
 * template of every stage of cdk.json, as configured: zero findings. A rule is
 * ignored in two places only, each with its reason: .cfnlintrc.yaml at the
 * repository's root for noise on every template, and one resource's Metadata,
 * set from CDK, for noise on that resource.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../lib/bundling.js';
import { runCommand, tail } from '../support/command.js';
import { gateOnTools } from '../support/required-tool.js';
import { stageAssemblies, stageNames, type StageAssemblies } from '../support/stage-assemblies.js';
import type { Template } from '../support/template-values.js';

const gate = await gateOnTools('cfn-lint on every stage (test/rehearsal/cfn-lint.test.ts)', ['cfn-lint']);

const LINT_DEADLINE_MS = 120_000;
const SYNTH_DEADLINE_MS = 240_000;

interface Finding {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Filename: string;
  Location: { Start: { LineNumber: number }; Path?: Array<string | number> };
}

gate.describe('cfn-lint on every stage', () => {
  let assemblies: StageAssemblies;
  let findings: Finding[];
  let controlFile: string;
  const controlIds = { dashboard: '', function: '' };

  /**
   * A control, linted with the stages: the first stage's template with the
   * dashboard's ignore taken off and one function's memory made nonsense. Its
   * findings show that cfn-lint ran with our configuration and still reports
   * errors, and that the dashboard's ignore is still needed.
   */
  async function writeControlTemplate(from: string): Promise<string> {
    const template = JSON.parse(await readFile(from, 'utf8')) as Template;
    const [dashboardId, dashboard] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::CloudWatch::Dashboard')!;
    const [functionId, fn] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::Lambda::Function')!;
    delete dashboard.Metadata?.['cfn-lint'];
    fn.Properties!.MemorySize = 'plenty';
    Object.assign(controlIds, { dashboard: dashboardId, function: functionId });
    const dir = await mkdtemp(path.join(tmpdir(), 'cfn-lint-control-'));
    const file = path.join(dir, 'control.template.json');
    await writeFile(file, JSON.stringify(template, null, 1));
    return file;
  }

  beforeAll(async () => {
    assemblies = await stageAssemblies();
    const templates = stageNames.map((stage) => assemblies.asConfigured[stage]!.templateFile);
    controlFile = await writeControlTemplate(templates[0]!);
    // From the root, so that cfn-lint reads .cfnlintrc.yaml; every template in one run (its start-up is the slow part).
    const result = await runCommand('cfn-lint', ['--format', 'json', '--', ...templates, controlFile], { cwd: projectRoot, timeoutMs: LINT_DEADLINE_MS });
    if (result.timedOut || result.notStarted || !result.stdout.trim().startsWith('[')) {
      throw new Error(`cfn-lint gave no report (exit ${result.code}${result.timedOut ? ', timed out' : ''}):\n${tail(`${result.stdout}\n${result.stderr}`)}`);
    }
    findings = JSON.parse(result.stdout) as Finding[];
  }, SYNTH_DEADLINE_MS + LINT_DEADLINE_MS);

  afterAll(async () => {
    if (controlFile) await rm(path.dirname(controlFile), { recursive: true, force: true });
  });

  it.each(stageNames)('finds nothing in the %s template', (stage) => {
    const file = assemblies.asConfigured[stage]!.templateFile;
    const own = findings.filter((finding) => path.resolve(projectRoot, finding.Filename) === file);
    expect(own.map((finding) => `${finding.Rule.Id} ${finding.Message} (${finding.Location.Path?.join('/') ?? `line ${finding.Location.Start.LineNumber}`})`)).toEqual([]);
  });

  it('still reports, in the same run, a broken value and the dashboard finding its Metadata ignores', () => {
    const own = findings.filter((finding) => finding.Filename === controlFile);
    expect(own.map((finding) => [finding.Rule.Id, finding.Location.Path?.slice(0, 4).join('/')]).sort()).toEqual(
      [
        ['E3002', `Resources/${controlIds.dashboard}/Properties/Tags`],
        ['E3012', `Resources/${controlIds.function}/Properties/MemorySize`],
      ].sort(),
    );
  });

  it('ignores only W3005 everywhere, each ignore with its reason, and turns no finding off wholesale', () => {
    const text = readFileSync(path.join(projectRoot, '.cfnlintrc.yaml'), 'utf8');
    const config = parse(text) as Record<string, unknown>;
    expect(config).toEqual({ ignore_checks: ['W3005'] });
    // The reason is the comment line just above the rule.
    const lines = text.split('\n');
    const ruleLine = lines.findIndex((line) => /^\s*-\s*W3005\s*$/.test(line));
    expect(lines[ruleLine - 1]).toMatch(/^\s*#\s*W3005: .{20,}/);
  });

  it('ignores a rule on one resource only where CDK set it: E3002 on the dashboard', () => {
    for (const stage of stageNames) {
      const template = JSON.parse(readFileSync(assemblies.asConfigured[stage]!.templateFile, 'utf8')) as Template;
      const ignoring = Object.values(template.Resources).flatMap((resource) => {
        const config = (resource.Metadata?.['cfn-lint'] as { config?: { ignore_checks?: string[] } } | undefined)?.config;
        return config ? [{ type: resource.Type, ignore: config.ignore_checks, rest: Object.keys(config).filter((key) => key !== 'ignore_checks') }] : [];
      });
      expect(ignoring).toEqual([{ type: 'AWS::CloudWatch::Dashboard', ignore: ['E3002'], rest: [] }]);
    }
  });
});
