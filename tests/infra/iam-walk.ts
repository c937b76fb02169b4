import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM statement of the template, flattened: actions, and resources rendered as text. */
export interface FlatStatement {
  readonly policyId: string;
  readonly roles: string[];
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition: unknown;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Renders a CloudFormation expression as text, logical ids in angle brackets:
 * `{ "Fn::Join": ["", [{ "Fn::GetAtt": ["Bucket", "Arn"] }, "/*"]] }` -> `<Bucket>/*`.
 */
export function renderExpression(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!isRecord(v)) return JSON.stringify(v);
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${String(getAtt[0])}>`;
  if (typeof v.Ref === 'string') return v.Ref.startsWith('AWS::') ? `\${${v.Ref}}` : `<${v.Ref}>`;
  const join = v['Fn::Join'];
  if (Array.isArray(join)) return asArray(join[1]).map(renderExpression).join(String(join[0]));
  const select = v['Fn::Select'];
  if (Array.isArray(select)) return `select(${asArray(select).map(renderExpression).join(',')})`;
  const split = v['Fn::Split'];
  if (Array.isArray(split)) return asArray(split).map(renderExpression).join(',');
  if (typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'];
  return JSON.stringify(v);
}

/** Every statement of every AWS::IAM::Policy and inline role policy in the template. */
export function flatStatements(template: Template): FlatStatement[] {
  const out: FlatStatement[] = [];
  const push = (policyId: string, roles: unknown[], doc: unknown) => {
    if (!isRecord(doc)) return;
    for (const st of asArray(doc.Statement)) {
      if (!isRecord(st)) continue;
      out.push({
        policyId,
        roles: roles.map(renderExpression),
        effect: String(st.Effect),
        actions: asArray(st.Action).map(String),
        resources: asArray(st.Resource).map(renderExpression),
        condition: st.Condition,
      });
    }
  };
  for (const [id, res] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    push(id, asArray(res.Properties?.Roles), res.Properties?.PolicyDocument);
  }
  for (const [id, res] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const p of asArray(res.Properties?.Policies))
      if (isRecord(p)) push(id, [{ Ref: id }], p.PolicyDocument);
  }
  return out;
}

/** `<LogicalId>` of a token (an ARN or name) of a construct in `stack`. */
export function logicalRef(stack: Stack, token: string): string {
  return renderExpression(stack.resolve(token)).replace(/^(<[^>]+>).*$/, '$1');
}

/**
 * The actions a role is allowed, grouped by what they target: the name of the first known
 * construct a resource references (`names` maps `<LogicalId>` to a name), else the resource text.
 */
export function actionsByTarget(
  statements: FlatStatement[],
  roleRef: string,
  names: ReadonlyMap<string, string>,
): Record<string, string[]> {
  const grouped: Record<string, Set<string>> = {};
  for (const st of statements.filter((s) => s.roles.includes(roleRef) && s.effect === 'Allow')) {
    for (const resource of st.resources) {
      const ref = [...names.keys()].find((r) => resource.includes(r));
      const target = ref ? (names.get(ref) ?? resource) : resource;
      grouped[target] ??= new Set();
      for (const action of st.actions) grouped[target].add(action);
    }
  }
  return Object.fromEntries(Object.entries(grouped).map(([k, v]) => [k, [...v].sort()]));
}
