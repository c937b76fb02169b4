import { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PREDICT_ROUTE } from './prediction-api.js';

export interface ApiAccessPoliciesProps {
  readonly api: HttpApi;
}

/**
 * Who may do what on the API, as IAM managed policies to attach to users, roles or groups:
 * predict only (an application), read only (every GET route: dashboards, auditors), admin
 * (every route). The API's IAM authorizer enforces them per route.
 */
export class ApiAccessPolicies extends Construct {
  readonly predictOnly: ManagedPolicy;
  readonly readOnly: ManagedPolicy;
  readonly admin: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ApiAccessPoliciesProps) {
    super(scope, id);
    // execute-api ARNs: {apiId}/{stage}/{METHOD}/{path}; path parameters match as `*`.
    const routes = (methodAndPath: string) =>
      Stack.of(this).formatArn({
        service: 'execute-api',
        resource: props.api.apiId,
        resourceName: `*/${methodAndPath}`,
      });
    const invoke = (id: string, description: string, methodAndPath: string) =>
      new ManagedPolicy(this, id, {
        description,
        statements: [
          new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [routes(methodAndPath)] }),
        ],
      });
    this.predictOnly = invoke(
      'PredictOnly',
      'Cirrus API: POST /v1/endpoints/{name}/predict only',
      `POST${PREDICT_ROUTE.replace('{name}', '*')}`,
    );
    this.readOnly = invoke('ReadOnly', 'Cirrus API: every GET route', 'GET/*');
    this.admin = invoke('Admin', 'Cirrus API: every route', '*');
  }
}
