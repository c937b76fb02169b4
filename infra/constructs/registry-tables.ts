import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableNames } from '../../core/deps.js';
import { TABLE_DEFINITIONS, type TableDefinition } from '../../core/storage/tables.js';
import { STACK_DEFAULTS } from '../defaults.js';

export interface RegistryTablesProps {
  /**
   * Keep the tables (and deletion protection on) when the stack is deleted.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Physical table names. CloudFormation-generated names (the CDK idiom: two stacks can
   * coexist in one account) reach the functions through their environment.
   * @default - generated names
   */
  readonly tableNames?: Partial<TableNames>;
}

/**
 * The tracking, registry and prediction-log tables, built from `core/storage/tables.ts` — the
 * same definitions the local runtime creates in the emulator — with on-demand billing,
 * point-in-time recovery, AWS-managed encryption and TTL where the definition names one.
 */
export class RegistryTables extends Construct {
  readonly tracking: TableV2;
  readonly registry: TableV2;
  readonly predictions: TableV2;

  constructor(scope: Construct, id: string, props: RegistryTablesProps = {}) {
    super(scope, id);
    const build = (role: keyof TableNames) => this.buildTable(definitionOf(role), props);
    this.tracking = build('tracking');
    this.registry = build('registry');
    this.predictions = build('predictions');
  }

  /** The three tables by role, for loops (grants, environment, outputs). */
  get byRole(): Readonly<Record<keyof TableNames, TableV2>> {
    return { tracking: this.tracking, registry: this.registry, predictions: this.predictions };
  }

  private buildTable(def: TableDefinition, props: RegistryTablesProps): TableV2 {
    const retain = props.retainData ?? STACK_DEFAULTS.retainData;
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    return new TableV2(this, pascal(def.role), {
      tableName: props.tableNames?.[def.role],
      partitionKey: key(def.partitionKey),
      sortKey: key(def.sortKey),
      globalSecondaryIndexes: def.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
      })),
      timeToLiveAttribute: def.ttlAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}

function definitionOf(role: keyof TableNames): TableDefinition {
  const def = TABLE_DEFINITIONS.find((d) => d.role === role);
  if (!def) throw new Error(`core/storage/tables.ts: no definition for table role "${role}"`);
  return def;
}

function pascal(role: string): string {
  return `${role[0]?.toUpperCase() ?? ''}${role.slice(1)}Table`;
}
