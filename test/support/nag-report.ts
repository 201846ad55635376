/** cdk-nag's findings as CDK's policy validation writes them into the cloud assembly. */
import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import path from 'node:path';

export interface NagFinding {
  ruleName: string;
  acknowledgedId?: string;
  reason?: string;
}

export interface NagReport {
  pluginReports: { pluginName: string; violations: NagFinding[]; suppressedViolations?: NagFinding[] }[];
}

export const readNagReport = (outdir: string): NagReport =>
  JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as NagReport;

/** `pack: rule` for every finding no one acknowledged. */
export const unacknowledgedFindings = (report: NagReport): string[] =>
  report.pluginReports.flatMap((plugin) => plugin.violations.map((finding) => `${plugin.pluginName}: ${finding.ruleName}`));

export const acknowledgedFindings = (report: NagReport): NagFinding[] => report.pluginReports.flatMap((plugin) => plugin.suppressedViolations ?? []);

/** What the friendship stack acknowledges, in either auth mode; lib/ gives each its reason. */
export const STACK_ACKNOWLEDGEMENTS = ['AwsSolutions::AwsSolutions-SMG4', 'Serverless::Serverless-LambdaDLQ', 'Serverless::Serverless-LambdaTracing'];
/** A stage without point-in-time recovery on the guard table (every stage but prod) also acknowledges that, with its reason. */
export const STAGE_WITHOUT_PITR_ACKNOWLEDGEMENTS = [...STACK_ACKNOWLEDGEMENTS, 'AwsSolutions::AwsSolutions-DDB3'];

/** No finding left open, exactly `ids` acknowledged, and each acknowledgement with a written reason. */
export function expectOnlyReasonedAcknowledgements(report: NagReport, ids: readonly string[]): void {
  expect(unacknowledgedFindings(report)).toEqual([]);
  const acknowledged = acknowledgedFindings(report);
  expect([...new Set(acknowledged.map((finding) => finding.acknowledgedId))].sort()).toEqual([...ids].sort());
  for (const finding of acknowledged) expect(finding.reason?.length).toBeGreaterThan(60);
}
