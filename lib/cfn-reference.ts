/**
 * A CloudFormation value as cdk-nag names it in a finding id: `{"Ref": X}` is
 * `<X>`, `{"Fn::GetAtt": [R, A]}` is `<R.A>`, a join is joined, an import is its
 * export's name, and a `${...}` of Fn::Sub is written `<...>`. Our own copy of
 * that rule, so the grants can acknowledge exactly the findings they cause
 * without importing cdk-nag's private files.
 */
import { asRecord } from '../functions/core/json.js';

export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const fn = asRecord(node);
  if (fn?.['Fn::Join']) {
    const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (fn?.['Fn::Sub']) return flattenCfnReference(fn['Fn::Sub']);
  if (fn?.['Fn::GetAtt']) {
    const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (fn?.['Fn::ImportValue']) return flattenCfnReference(fn['Fn::ImportValue']);
  if (fn?.Ref) return `<${flattenCfnReference(fn.Ref)}>`;
  return JSON.stringify(node);
}
