/**
 * A synthesized template's values as a deployed stack holds them: Ref, Fn::GetAtt,
 * Fn::Join and Fn::Sub resolved against the stack's physical ids. A part that
 * cannot be known exactly (an id of a resource moto skipped; an ARN whose form
 * moto and CloudFormation write differently) becomes a pattern, and the value is
 * compared with expect.stringMatching.
 */
import { expect } from '@jest/globals';

export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface Template {
  Resources: Record<string, TemplateResource>;
  Parameters?: Record<string, { Default?: TemplateValue }>;
  Outputs?: Record<string, { Value: TemplateValue; Export?: { Name: TemplateValue }; Condition?: string }>;
}

/** A value that cannot be known exactly, as a regular expression source. */
export class Pattern {
  constructor(
    readonly source: string,
    readonly why: string,
  ) {}
}

export interface StackFacts {
  account: string;
  region: string;
  stackName: string;
  /** Logical id → physical id, for the resources the stack created. */
  physicalIds: ReadonlyMap<string, string>;
  /** Logical ids of the template's resources the stack did not create. */
  skipped: ReadonlySet<string>;
  /** `Fn::GetAtt` of a created resource, from the service that holds it. */
  attribute(logicalId: string, attribute: string): string | Pattern;
}

type Part = string | Pattern;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Joins parts into one string, or a Pattern when any part is one. */
function joined(parts: readonly Part[]): Part {
  if (parts.every((part) => typeof part === 'string')) return parts.join('');
  return new Pattern(parts.map((part) => (typeof part === 'string' ? escape(part) : part.source)).join(''), parts.flatMap((part) => (part instanceof Pattern ? [part.why] : [])).join('; '));
}

const skippedPattern = (logicalId: string) => new Pattern('[^/:]*', `${logicalId} was not created by moto`);

export class TemplateResolver {
  constructor(
    private readonly template: Template,
    private readonly facts: StackFacts,
  ) {}

  private ref(name: string): Part {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.facts.account,
      'AWS::Region': this.facts.region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.facts.stackName,
    };
    if (pseudo[name] !== undefined) return pseudo[name];
    const physical = this.facts.physicalIds.get(name);
    if (physical !== undefined) return physical;
    if (this.facts.skipped.has(name)) return skippedPattern(name);
    const parameter = this.template.Parameters?.[name];
    if (parameter?.Default !== undefined) return String(parameter.Default);
    throw new Error(`cannot resolve Ref ${name}`);
  }

  private getAtt(logicalId: string, attribute: string): Part {
    if (this.facts.skipped.has(logicalId)) return skippedPattern(logicalId);
    return this.facts.attribute(logicalId, attribute);
  }

  /** One value: a string (or Pattern), or a structure of them. */
  resolve(value: TemplateValue): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = value[key] as TemplateValue;
      if (key === 'Ref') return this.ref(argument as string);
      if (key === 'Fn::GetAtt') {
        const [logicalId, attribute] = Array.isArray(argument) ? (argument as string[]) : (argument as string).split('.');
        return this.getAtt(logicalId!, attribute!);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, TemplateValue[]];
        const resolved = parts.map((part) => this.resolve(part) as Part);
        return joined(resolved.flatMap((part, index) => (index === 0 ? [part] : [separator, part])));
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, TemplateValue>]);
        const parts: Part[] = [];
        let rest = text;
        for (let match = /\$\{([^}]+)\}/.exec(rest); match; match = /\$\{([^}]+)\}/.exec(rest)) {
          parts.push(rest.slice(0, match.index));
          const name = match[1]!;
          const variable = (variables as Record<string, TemplateValue>)[name];
          if (variable !== undefined) parts.push(this.resolve(variable) as Part);
          else if (name.includes('.') && !name.startsWith('AWS::')) parts.push(this.getAtt(name.split('.')[0]!, name.split('.').slice(1).join('.')));
          else parts.push(this.ref(name));
          rest = rest.slice(match.index + match[0].length);
        }
        parts.push(rest);
        return joined(parts);
      }
      if (key.startsWith('Fn::')) throw new Error(`cannot resolve ${key}`);
    }
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, this.resolve(item)]));
  }

  /** The resolved value as an expectation: exact where known, expect.stringMatching where a Pattern. */
  expected(value: TemplateValue): unknown {
    const toMatcher = (resolved: unknown): unknown => {
      if (resolved instanceof Pattern) return expect.stringMatching(new RegExp(`^${resolved.source}$`));
      if (Array.isArray(resolved)) return resolved.map(toMatcher);
      if (resolved !== null && typeof resolved === 'object') return Object.fromEntries(Object.entries(resolved).map(([key, item]) => [key, toMatcher(item)]));
      return resolved;
    };
    return toMatcher(this.resolve(value));
  }

  /** A value that must resolve to one exact string (a name, an id). */
  exactString(value: TemplateValue): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected an exact string, got ${resolved instanceof Pattern ? `a pattern (${resolved.why})` : JSON.stringify(resolved)}`);
    return resolved;
  }
}

export const patternOf = (source: string, why: string) => new Pattern(source, why);

/** IAM's wildcards in a resource ARN (`?` one character, `*` any run) as a test of one ARN. */
export function iamResourceMatches(pattern: string, arn: string): boolean {
  const source = pattern
    .split('')
    .map((character) => (character === '?' ? '.' : character === '*' ? '.*' : escape(character)))
    .join('');
  return new RegExp(`^${source}$`).test(arn);
}
