/**
 * A stack deployed by an earlier version updates in place: every resource it has
 * keeps its logical ID and type, so CloudFormation replaces nothing (the functions,
 * the API stage and the secret have fixed physical names, and a replacement would
 * collide with them). fixtures/logical-ids-0.1.json lists the resources of
 * version 0.1's templates, stage by stage; new resources may be added.
 *
 * A Lambda permission may get a new ID: CDK names the GamePot authorizer's by the
 * authorizer's path, and a permission has no name to collide with, so
 * CloudFormation adds the new one before it removes the old, and API Gateway is
 * never without it.
 */
import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { buildFriendshipApp } from '../../lib/friendship-app.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const released = JSON.parse(readFileSync(new URL('./fixtures/logical-ids-0.1.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

const REPLACEABLE = 'AWS::Lambda::Permission';

describe.each(Object.keys(released))('stage %s', (stage) => {
  it("keeps every released resource's logical ID and type", () => {
    const resources = Template.fromStack(buildFriendshipApp(new App({ context: { ...cdkJson.context, stage } }))).toJSON().Resources as Record<string, { Type: string }>;
    const kept = Object.entries(released[stage]!).filter(([, type]) => type !== REPLACEABLE);
    expect(Object.fromEntries(kept.map(([id]) => [id, resources[id]?.Type ?? 'missing']))).toEqual(Object.fromEntries(kept));
    const permissions = (of: Record<string, string>) => Object.values(of).filter((type) => type === REPLACEABLE).length;
    expect(permissions(Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.Type])))).toBe(permissions(released[stage]!));
  });
});
