import * as z from 'zod';
import { currentSettings, type SettingsInForce, saveSettings } from '#services/settings.ts';
import { type HttpEvent, hrActor, json, parseJsonBody } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';

/**
 * GET /settings: the settings in force and their version. PUT /settings: a whole settings document
 * (scale, competencies, self-assessment questions, timings, time zone, sender name, score weights,
 * recognition; optionally peer and upward questions, anonymity threshold, peer feedback); PATCH /settings:
 * part of one, merged onto the version in force (objects merge, lists replace whole, null removes). Both accept the envelope GET answers, store the result as the next
 * version and answer what changed; invalid documents are refused with every reason, unchanged ones store nothing.
 */
export const handler = apiRoutes({
  'GET /settings': async (event) => {
    hrActor(event);
    return json(200, version(await currentSettings()));
  },
  'PUT /settings': (event) => save(event, 'replace'),
  'PATCH /settings': (event) => save(event, 'merge'),
});

async function save(event: HttpEvent, mode: 'replace' | 'merge') {
  const saved = await saveSettings(parseJsonBody(event, z.unknown()), hrActor(event), mode);
  return json(200, { ...version(saved), saved: saved.saved, changes: saved.changes });
}

function version(current: SettingsInForce) {
  return { version: current.version, savedAt: current.savedAt, savedBy: current.savedBy, settings: current.document };
}
