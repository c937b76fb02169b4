import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CirrusStack } from './stack.js';

/**
 * The CDK app: one Cirrus stack, checked by cdk-nag's AWS Solutions pack at synth (a finding
 * that is not acknowledged fails the synth). `cirrus:stackName` names the stack.
 */
export function createCirrusApp(app = new App()): { app: App; stack: CirrusStack } {
  const stackName = app.node.tryGetContext('cirrus:stackName') ?? 'Cirrus';
  const stack = new CirrusStack(app, String(stackName), {
    description:
      'Cirrus: serverless MLOps (training pipeline, model registry, prediction API, drift monitor)',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (process.argv[1]?.endsWith('app.ts')) {
  createCirrusApp().app.synth();
}
