/**
 * Upgrading a deployed table in place. DynamoDB adds one global secondary index per update, changes none, and
 * builds a new one for minutes; CloudFormation refuses a deploy that adds two at once. So the upgrade adds the
 * missing indexes one after the other, each once the one before is built (services/upgrade.ts).
 */

/** An index as DynamoDB describes it: its name, keys and projection. */
export interface IndexShape {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
}

/** The table as DescribeTable tells it: its status and each index's, with its shape. */
export interface TableState {
  status: string;
  indexes: (IndexShape & { IndexStatus?: string })[];
}

export type IndexStep = { kind: 'wait'; reason: string } | { kind: 'create'; index: IndexShape } | { kind: 'ready' };

/**
 * What to do next so that the table has every `wanted` index: wait for the table or an index to finish
 * changing, create the first one missing, or nothing (ready). An index of the same name but other keys or
 * projection is an error: DynamoDB cannot change it in place, and deleting it would empty a list in use.
 */
export function nextIndexStep(wanted: IndexShape[], table: TableState): IndexStep {
  for (const index of wanted) {
    const existing = table.indexes.find((candidate) => candidate.IndexName === index.IndexName);
    if (existing && shapeOf(existing) !== shapeOf(index))
      throw new Error(
        `index ${index.IndexName} exists with other keys or projection (${shapeOf(existing)}, wanted ${shapeOf(index)}): DynamoDB cannot change an index in place`,
      );
  }
  if (table.status !== 'ACTIVE') return { kind: 'wait', reason: `the table is ${table.status}` };
  const busy = table.indexes.find((index) => index.IndexStatus !== 'ACTIVE');
  if (busy) return { kind: 'wait', reason: `index ${busy.IndexName} is ${busy.IndexStatus}` };
  const missing = wanted.find((index) => !table.indexes.some((candidate) => candidate.IndexName === index.IndexName));
  return missing ? { kind: 'create', index: missing } : { kind: 'ready' };
}

function shapeOf(index: IndexShape): string {
  const keys = index.KeySchema.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
  const extra = [...(index.Projection.NonKeyAttributes ?? [])].sort().join(' ');
  return `keys ${keys}; projection ${index.Projection.ProjectionType ?? 'ALL'}${extra ? ` ${extra}` : ''}`;
}
