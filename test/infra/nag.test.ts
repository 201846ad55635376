/**
 * How cdk-nag 3 is wired: the packs run as validation plugins of the synth, an
 * unacknowledged finding fails it, and only `<Pack>::<Pack>-<Rule>` acknowledges.
 * On a one-topic stack (AwsSolutions-SNS3: publishers not forced onto TLS), so it is instant.
 */
import { describe, expect, it } from '@jest/globals';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { acknowledge, addNagPacks } from '../../lib/nag.js';

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string }[]; suppressedViolations?: { ruleName: string; reason: string }[] }[];
}

function probe() {
  const app = new App();
  const topic = new Topic(new Stack(app, 'NagProbe'), 'Topic');
  addNagPacks(app);
  return { app, topic };
}

function run(acknowledge?: (topic: Topic) => void) {
  const { app, topic } = probe();
  acknowledge?.(topic);
  let failure: Error | undefined;
  try {
    app.synth();
  } catch (error) {
    failure = error as Error;
  }
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
  return {
    failure,
    unacknowledged: report.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => violation.ruleName)),
    acknowledged: report.pluginReports.flatMap((plugin) => plugin.suppressedViolations ?? []),
  };
}

describe('cdk-nag 3 as a validation plugin', () => {
  it('fails the synth on an unacknowledged finding', () => {
    const result = run();
    // The CLI gets exit code 1; in process, synth throws with the report.
    expect(result.failure?.message).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-SNS3'");
    expect(result.unacknowledged).toEqual(['AwsSolutions-SNS3']);
  });

  it('accepts the pack-prefixed id, and records the reason in the validation report', () => {
    const result = run((topic) => acknowledge(topic, { id: 'AwsSolutions::AwsSolutions-SNS3', reason: 'A probe topic: nothing ever publishes to it.' }));
    expect(result.failure).toBeUndefined();
    expect(result.unacknowledged).toEqual([]);
    expect(result.acknowledged).toEqual([expect.objectContaining({ ruleName: 'AwsSolutions-SNS3', reason: 'A probe topic: nothing ever publishes to it.' })]);
  });

  it('does not match `AwsSolutions::SNS3` (the rule id already carries the pack)', () => {
    // Straight to CDK, past our helper's format check, to pin down what cdk-nag 3.0.2 matches.
    const result = run((topic) => Validations.of(topic).acknowledge({ id: 'AwsSolutions::SNS3', reason: 'the wrong form' }));
    expect(result.unacknowledged).toEqual(['AwsSolutions-SNS3']);
  });

  it('refuses an acknowledgement without the pack prefix or without a reason', () => {
    const { topic } = probe();
    expect(() => acknowledge(topic, { id: 'AwsSolutions-SNS3', reason: 'A probe topic: nothing ever publishes to it.' })).toThrow('<Pack>::<Pack>-<Rule>');
    expect(() => acknowledge(topic, { id: 'AwsSolutions::AwsSolutions-SNS3', reason: 'ok' })).toThrow('needs a written reason');
  });
});
