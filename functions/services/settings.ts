import { settingsSchema, type SettingsInput } from '#domain/settings.ts';
import { nowIso } from '#shared/clock.ts';
import type { Actor } from '#store/audit.ts';
import { latestSettings, putSettingsVersion, type SettingsInForce } from '#store/settings.ts';
import { Conflict } from './errors.ts';

/**
 * Validates a whole settings document (a ZodError names every problem) and stores it as the next version.
 * Running cycles keep the version they were launched with.
 */
export async function saveSettings(document: unknown, actor: Actor): Promise<SettingsInForce> {
  const settings = settingsSchema.parse(document);
  const current = await latestSettings();
  const stored = { version: (current?.version ?? 0) + 1, document: document as SettingsInput, savedAt: nowIso(), savedBy: actor };
  if (!(await putSettingsVersion(stored))) throw new Conflict('the settings were saved by someone else at the same time: load them again and retry');
  return { ...stored, settings };
}
