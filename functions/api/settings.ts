import * as z from 'zod';
import { saveSettings, type SettingsSaved } from '#services/settings.ts';
import { settingsInForce, type SettingsInForce } from '#store/settings.ts';
import { apiHandler, hrActor, json, parseJsonBody } from '#shared/http.ts';

/**
 * GET /settings: the settings in force and their version. PUT /settings: a whole settings document
 * (scale, competencies, self-assessment questions, timings, time zone, sender name, score weights,
 * recognition); PATCH /settings: part of one, merged onto the version in force (objects merge, lists
 * replace whole, null removes). Both accept the envelope GET answers, store the result as the next
 * version and answer what changed; invalid documents are refused with every reason, unchanged ones store nothing.
 */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  const method = event.requestContext.http.method;
  if (method === 'PUT' || method === 'PATCH') {
    return json(
      200,
      view(await saveSettings(parseJsonBody(event, z.unknown()), actor, method === 'PUT' ? 'replace' : 'merge')),
    );
  }
  return json(200, view(await settingsInForce()));
});

function view(current: SettingsInForce | SettingsSaved) {
  const outcome = 'saved' in current ? { saved: current.saved, changes: current.changes } : {};
  return {
    version: current.version,
    savedAt: current.savedAt,
    savedBy: current.savedBy,
    settings: current.document,
    ...outcome,
  };
}
