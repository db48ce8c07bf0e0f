import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { IndexShape } from '../functions/domain/upgrade.ts';
import type { Stage } from './config.ts';

export interface DataProps {
  stage: Stage;
  /** How many of GSI_NAMES the table's template declares, from the first (lib/config.ts `tableTemplateIndexes`). */
  templateIndexes: number;
}

/** Names of the table's global secondary indexes; each has `<name>pk` / `<name>sk` string keys. */
export const GSI_NAMES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6'] as const;

/**
 * What each index copies of an item. With `ALL`, every write of an item is paid again, by its size, in each index
 * it sits in: right for lists of items that rarely change. `gsi4` to `gsi6` keep only the keys, so they are written
 * only when an item enters or leaves them: the lists of an assessment (its team, its pending self-assessment, its
 * pending review or unacknowledged result), which changes at every step of a cycle, read by their keys and then
 * the items (functions/store/table.ts `batchGet`).
 */
export const PROJECTIONS: Record<(typeof GSI_NAMES)[number], ProjectionType> = {
  gsi1: ProjectionType.ALL,
  gsi2: ProjectionType.ALL,
  gsi3: ProjectionType.ALL,
  gsi4: ProjectionType.KEYS_ONLY,
  gsi5: ProjectionType.KEYS_ONLY,
  gsi6: ProjectionType.KEYS_ONLY,
};

/** An index as DynamoDB describes it (the table upgrade's custom resource creates those the template leaves out). */
export function indexShape(name: (typeof GSI_NAMES)[number]): IndexShape {
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: 'HASH' },
      { AttributeName: `${name}sk`, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: PROJECTIONS[name] },
  };
}

/**
 * The single table. Keys are generic (`pk`/`sk`, `gsiNpk`/`gsiNsk`): functions/store owns what goes in
 * them, so new access patterns need no infrastructure change.
 */
export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const prod = props.stage === 'prod';

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Items that are only kept for a while (answers replayed for an Idempotency-Key) carry their end here.
      timeToLiveAttribute: 'expiresAt',
      // Review history and audit trail must survive a mistaken `cdk destroy` in prod; dev stacks stay disposable.
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const name of GSI_NAMES.slice(0, props.templateIndexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: { name: `${name}pk`, type: AttributeType.STRING },
        sortKey: { name: `${name}sk`, type: AttributeType.STRING },
        projectionType: PROJECTIONS[name],
      });
    }
  }
}
