import { RuleViolation } from '#domain/cycle.ts';
import { updateSettings } from '#domain/settings.ts';
import { nowIso } from '#shared/clock.ts';
import type { Actor } from '#store/audit.ts';
import { putSettingsVersion, settingsInForce, type SettingsInForce } from '#store/settings.ts';
import { Conflict } from './errors.ts';

export type { SettingsInForce };

/** The settings in force and their version (version 0: the defaults, never saved). */
export function currentSettings(): Promise<SettingsInForce> {
  return settingsInForce();
}

export interface SettingsSaved extends SettingsInForce {
  /** False when the document equals the version in force: nothing was stored. */
  saved: boolean;
  /** What differs from the previous version, one line each, e.g. `senderName: "Example Org" -> "Acme People"`. */
  changes: string[];
}

/**
 * Stores the settings a request makes (a whole document for `replace`, a partial one merged onto the
 * version in force for `merge`; either may come in the envelope of `GET /settings`) as the next version.
 * An invalid result is refused with every reason and changes nothing; an unchanged one stores nothing.
 * Running cycles keep the version they were launched with.
 */
export async function saveSettings(
  body: unknown,
  actor: Actor,
  mode: 'replace' | 'merge' = 'replace',
): Promise<SettingsSaved> {
  const current = await settingsInForce();
  const update = updateSettings(current.document, body, mode);
  if (!update.ok) throw new RuleViolation('invalid request', update.problems);
  if (!update.changes.length) return { ...current, saved: false, changes: [] };
  const stored = { version: current.version + 1, document: update.document, savedAt: nowIso(), savedBy: actor };
  if (!(await putSettingsVersion(stored)))
    throw new Conflict('the settings were saved by someone else at the same time: load them again and retry');
  return { ...stored, settings: update.settings, saved: true, changes: update.changes };
}
