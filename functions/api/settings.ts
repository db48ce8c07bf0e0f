import { z } from 'zod';
import { saveSettings } from '#services/settings.ts';
import { settingsInForce, type SettingsInForce } from '#store/settings.ts';
import { apiHandler, hrActor, json, parseJsonBody } from '#shared/http.ts';

/**
 * GET /settings: the settings in force and their version. PUT /settings: a whole settings document
 * (scale, competencies, self-assessment questions, timings, time zone, sender name, score weights,
 * recognition), stored as the next version; invalid documents are refused with every reason.
 */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  if (event.requestContext.http.method === 'PUT') return json(200, view(await saveSettings(parseJsonBody(event, z.unknown()), actor)));
  return json(200, view(await settingsInForce()));
});

function view(current: SettingsInForce) {
  return { version: current.version, savedAt: current.savedAt, savedBy: current.savedBy, settings: current.document };
}
