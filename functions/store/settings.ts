import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  defaultSettingsInput,
  settingsSchema,
  withAddedDefaults,
  type Settings,
  type SettingsInput,
} from '#domain/settings.ts';
import { config } from '#shared/config.ts';
import { db, keys, putOnce, tableName } from './table.ts';

/**
 * Settings are stored as numbered versions (`SETTINGS` / `V#0000000007`), never overwritten: the newest is
 * in force, and a cycle records the version it was launched with.
 */
export interface StoredSettings {
  version: number;
  /** The document as HR wrote it (durations as text), after validation. */
  document: SettingsInput;
  savedAt: string;
  savedBy: string;
}

export async function latestSettings(): Promise<StoredSettings | undefined> {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.settingsPartition },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = result.Items?.[0];
  return item && { version: item.version, document: item.document, savedAt: item.savedAt, savedBy: item.savedBy };
}

/** Stores a new version; false when that version number was taken meanwhile (two saves at once). */
export function putSettingsVersion(settings: StoredSettings): Promise<boolean> {
  return putOnce({ ...keys.settings(settings.version), ...settings });
}

export interface SettingsInForce {
  /** 0 until the organisation saves its own: the defaults. */
  version: number;
  settings: Settings;
  document: SettingsInput;
  savedAt: string | null;
  savedBy: string | null;
}

/** The newest saved version, or the defaults (the deployment's time zone and organisation name) before any is saved. */
export async function settingsInForce(): Promise<SettingsInForce> {
  const stored = await latestSettings();
  // A version saved before a field was added shows that field's default, as it parses.
  const document = withAddedDefaults(
    stored?.document ?? defaultSettingsInput(config().ORG_TIME_ZONE, config().ORG_NAME),
  );
  return {
    version: stored?.version ?? 0,
    settings: settingsSchema.parse(document),
    document,
    savedAt: stored?.savedAt ?? null,
    savedBy: stored?.savedBy ?? null,
  };
}
