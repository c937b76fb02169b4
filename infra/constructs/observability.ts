import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../defaults.js';
import type { Alerts } from './alerts.js';

export interface ObservabilityProps {
  readonly namePrefix: string;
  readonly api: HttpApi;
  /** Every Cirrus function, by a readable name (widget legends, alarm names). */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
  /** Every alarm notifies its topic, when it fires and when it clears. */
  readonly alerts: Alerts;
}

const PERIOD = Duration.minutes(5);

/** One line per `Variant` of a Powertools metric, whatever other dimensions it carries. */
function perVariant(metricName: string, statistic: string, label: string): IMetric {
  return new MathExpression({
    expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}" Variant', '${statistic}', ${PERIOD.toSeconds()})`,
    label,
    period: PERIOD,
    usingMetrics: {},
  });
}

/**
 * The dashboard (prediction latency and volume per variant, API and function errors, training
 * runs, drift) and the alarms (API 5xx, function errors, failed training runs, drift detected).
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly alerts: Alerts;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const fnEntries = Object.entries(props.functions);
    const machineEntries = Object.entries(props.stateMachines);
    // Metrics Insights over the whole namespace: matches DriftDetected whatever dimensions
    // Powertools attached (service, endpoint), which a plain metric alarm could not.
    const driftDetected = new MathExpression({
      expression: `SELECT SUM(${METRIC_NAMES.driftDetected}) FROM "${METRICS_NAMESPACE}"`,
      label: 'Drift detected',
      period: Duration.hours(1),
      usingMetrics: {},
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${props.namePrefix}-overview` });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Prediction latency p90 by variant (ms)',
        left: [perVariant(METRIC_NAMES.predictionLatency, 'p90', 'p90')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Predictions by variant',
        left: [perVariant(METRIC_NAMES.predictions, 'Sum', 'predictions')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          props.api.metricCount({ period: PERIOD }),
          props.api.metricClientError({ period: PERIOD }),
          props.api.metricServerError({ period: PERIOD }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Function errors',
        left: fnEntries.map(([name, fn]) => fn.metricErrors({ period: PERIOD, label: name })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Training runs',
        left: machineEntries.flatMap(([name, sm]) => [
          sm.metricStarted({ period: PERIOD, label: `${name} started` }),
          sm.metricSucceeded({ period: PERIOD, label: `${name} succeeded` }),
          sm.metricFailed({ period: PERIOD, label: `${name} failed` }),
        ]),
        width: 12,
      }),
      new GraphWidget({ title: 'Drift detected', left: [driftDetected], width: 12 }),
    );

    this.alerts = props.alerts;
    this.alarm('Api5xx', props.api.metricServerError({ period: PERIOD }), 'The API answered 5xx');
    for (const [name, fn] of fnEntries) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: PERIOD }), `Function ${name} raised errors`);
    }
    for (const [name, sm] of machineEntries) {
      this.alarm(
        `${name}Failed`,
        sm.metricFailed({ period: PERIOD }),
        `State machine ${name}: executions failed`,
      );
    }
    this.alarm('DriftDetected', driftDetected, 'A model drifted (retraining was started)');
  }

  private alarm(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, `${id}Alarm`, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(this.alerts.notify(alarm));
  }
}
