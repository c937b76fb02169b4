import { RemovalPolicy } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LambdaTask } from '../../statemachines/substitutions.js';
import { FUNCTION_DEFAULTS } from '../defaults.js';
import { LAMBDA_ENTRIES } from '../entries.js';
import { CirrusFunction } from './cirrus-function.js';
import {
  type CirrusData,
  type DataAccess,
  READ_OBJECTS,
  WRITE_ITEMS,
  WRITE_OBJECTS,
  wireData,
} from './data-access.js';

export interface PipelineFunctionsProps {
  readonly data: CirrusData;
  /** The onnxruntime-node layer (Evaluate runs the trained model on the test split). */
  readonly onnxLayer: ILayerVersion;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
}

/** One pipeline function: its entry, the data its code touches, and the tasks it serves. */
interface PipelineStep {
  readonly entry: keyof typeof LAMBDA_ENTRIES;
  readonly access: DataAccess;
  readonly tasks: readonly LambdaTask[];
  readonly onnx?: boolean;
}

/**
 * What each pipeline step's code reads and writes (the core modules lambdas/pipeline/handlers.ts
 * runs; tests/infra checks the grants against them). Validate reads the dataset and creates the
 * run (the dataset's record, not its file); Prepare writes the split; Evaluate reads the job
 * output and split, writes the model files and baseline; Register reads them and writes the version; the deploy-policy function
 * moves aliases and starts A/B tests; mark-run closes the run (reading its metrics and search candidates from S3) and sets its version's status.
 */
export const PIPELINE_STEPS = {
  validate: {
    entry: 'validate',
    access: { tables: { tracking: WRITE_ITEMS } },
    tasks: ['Validate'],
  },
  prepare: {
    entry: 'prepare',
    access: { bucket: WRITE_OBJECTS },
    tasks: ['Prepare'],
  },
  evaluate: {
    entry: 'evaluate',
    access: { bucket: WRITE_OBJECTS },
    tasks: ['Evaluate'],
    onnx: true,
  },
  register: {
    entry: 'register',
    access: { bucket: READ_OBJECTS, tables: { registry: WRITE_ITEMS } },
    tasks: ['Register'],
  },
  applyPolicy: {
    entry: 'applyPolicy',
    access: { tables: { registry: WRITE_ITEMS } },
    tasks: ['ApplyPolicy', 'StartAbTest', 'PickBest'],
  },
  markRun: {
    entry: 'markRun',
    access: { bucket: READ_OBJECTS, tables: { tracking: WRITE_ITEMS, registry: WRITE_ITEMS } },
    tasks: ['MarkSucceeded', 'MarkFailed'],
  },
} as const satisfies Record<string, PipelineStep>;

export type PipelineStepName = keyof typeof PIPELINE_STEPS;

/** The Lambda functions behind the state machines' Task states. */
export class PipelineFunctions extends Construct {
  readonly functions: Readonly<Record<PipelineStepName, CirrusFunction>>;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const build = (name: PipelineStepName): CirrusFunction => {
      const step: PipelineStep = PIPELINE_STEPS[name];
      const fn = new CirrusFunction(this, pascal(name), {
        entry: LAMBDA_ENTRIES[step.entry],
        serviceName: `${props.namePrefix}-pipeline-${name}`,
        description: `Cirrus training pipeline: ${step.tasks.join(', ')}`,
        timeout: FUNCTION_DEFAULTS.pipelineTimeout,
        memorySize: step.onnx ? FUNCTION_DEFAULTS.onnxMemorySize : FUNCTION_DEFAULTS.memorySize,
        layers: step.onnx ? [props.onnxLayer] : undefined,
        logRetention: props.logRetention,
        logRemovalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      wireData(fn, props.data, step.access);
      return fn;
    };
    this.functions = {
      validate: build('validate'),
      prepare: build('prepare'),
      evaluate: build('evaluate'),
      register: build('register'),
      applyPolicy: build('applyPolicy'),
      markRun: build('markRun'),
    };
  }

  /** The function a state machine Task state invokes. */
  forTask(task: LambdaTask): CirrusFunction {
    const entry = Object.entries(PIPELINE_STEPS).find(([, step]) => step.tasks.some((t) => t === task));
    const fn = entry && Object.entries(this.functions).find(([name]) => name === entry[0])?.[1];
    if (!fn) throw new Error(`no pipeline function serves task "${task}"`);
    return fn;
  }
}

function pascal(name: string): string {
  return `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}Function`;
}
