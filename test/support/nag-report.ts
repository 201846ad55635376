/** cdk-nag's findings as CDK's policy validation writes them into the cloud assembly. */
import { readFileSync } from 'node:fs';
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
