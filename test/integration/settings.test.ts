import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettingsInput } from '../../functions/domain/settings.ts';
import { putSettingsVersion } from '../../functions/store/settings.ts';
import { cli, hr, startLocalStack, tempDir, type LocalStack } from '../support/local.ts';

/**
 * Issue 10, settings round trip on the local stack: what `settings show --json` prints goes back through
 * `settings set --file` unchanged, a partial document (CLI or PATCH /settings) changes only what it names
 * and says what changed, and a bad partial document is refused with every reason and changes nothing.
 * A version saved before issue 14 reads back with the defaults of the fields it added.
 */
describe('settings round trip', () => {
  const dir = tempDir('perfcycle-settings-');
  let stack: LocalStack;
  const write = (name: string, value: unknown) =>
    writeFileSync(join(dir.path, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  const current = async () => (await hr(stack, 'GET', '/settings')).body;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('takes back what `settings show --json` printed, envelope and all, and saves nothing when nothing changed', async () => {
    const shown = await cli(stack, dir.path, 'settings', 'show', '--json');
    expect(shown.code, shown.err).toBe(0);
    writeFileSync(join(dir.path, 's.json'), shown.out);
    const set = await cli(stack, dir.path, 'settings', 'set', '--file', 's.json');
    expect(set.err).toBe('');
    expect(set.code).toBe(0);
    expect(set.out).toContain('no change: s.json matches version 0 in force; nothing saved');
    expect(await current()).toMatchObject({
      version: 0,
      savedAt: null,
      settings: defaultSettingsInput('UTC', 'Example Org'),
    });
    // The same over HTTP, with PUT and PATCH.
    const put = await hr(stack, 'PUT', '/settings', JSON.parse(shown.out));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 0, saved: false, changes: [] });
    const patch = await hr(stack, 'PATCH', '/settings', JSON.parse(shown.out));
    expect(patch.body).toMatchObject({ version: 0, saved: false, changes: [] });
  });

  it('saves a partial document from the CLI merged onto the version in force and prints what changed', async () => {
    write('sender.json', { senderName: 'Acme People' });
    const set = await cli(stack, dir.path, 'settings', 'set', '--file', 'sender.json');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe(
      'settings saved as version 1; the next cycle uses them\n  senderName: "Example Org" -> "Acme People"',
    );
    expect((await current()).settings).toEqual({
      ...defaultSettingsInput('UTC', 'Example Org'),
      senderName: 'Acme People',
    });
    // Once more: nothing changes, nothing is saved.
    const again = await cli(stack, dir.path, 'settings', 'set', '--file', 'sender.json', '--json');
    expect(JSON.parse(again.out)).toMatchObject({ version: 1, saved: false, changes: [] });
    // The edited output of `show --json` works too: one nested field changed.
    const shown = JSON.parse((await cli(stack, dir.path, 'settings', 'show', '--json')).out);
    shown.settings.timings.reviewReminderLead = '4d';
    write('edited.json', shown);
    const edited = await cli(stack, dir.path, 'settings', 'set', '--file', 'edited.json');
    expect(edited.out).toBe(
      'settings saved as version 2; the next cycle uses them\n  timings.reviewReminderLead: "3d" -> "4d"',
    );
  });

  it('PATCH /settings merges objects, replaces lists whole and answers what changed', async () => {
    const competencies = [{ id: 'delivery', label: 'Delivery' }];
    const patched = await hr(stack, 'PATCH', '/settings', {
      timings: { goalHrGrace: '10d' },
      competencies,
      scoreWeights: { goals: 60, competencies: 40 },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ version: 3, saved: true, savedBy: expect.any(String) });
    expect(patched.body.changes).toEqual([
      'competencies.0: (none) -> {"id":"delivery","label":"Delivery"}',
      'timings.goalHrGrace: "7d" -> "10d"',
      'scoreWeights.goals: 70 -> 60',
      'scoreWeights.competencies: 30 -> 40',
    ]);
    const settings = (await current()).settings;
    expect(settings.timings).toEqual({
      ...defaultSettingsInput('UTC', 'Example Org').timings,
      reviewReminderLead: '4d',
      goalHrGrace: '10d',
    });
    expect(settings.senderName).toBe('Acme People');
    expect(settings.competencies).toEqual(competencies);
    // A shorter scale replaces the whole scale.
    const scale = [
      { value: 1, label: 'Low', description: 'Below.' },
      { value: 2, label: 'Mid', description: 'Meets.' },
      { value: 3, label: 'High', description: 'Above.' },
    ];
    const shorter = await hr(stack, 'PATCH', '/settings', { scale });
    expect(shorter.body.version).toBe(4);
    expect(
      shorter.body.changes
        .filter((change: string) => change.endsWith('-> (none)'))
        .map((change: string) => change.split(':')[0]),
    ).toEqual(['scale.3', 'scale.4']);
    expect(shorter.body.changes).toContain(
      'scale.0.label: "Needs improvement" -> "Low"'.replace(
        'Needs improvement',
        defaultSettingsInput('UTC', 'Example Org').scale[0].label,
      ),
    );
    expect((await current()).settings.scale).toEqual(scale);
  });

  it('refuses bad partial documents with every reason, over HTTP and from the CLI, and changes nothing', async () => {
    const before = await current();
    const refused = await hr(stack, 'PATCH', '/settings', {
      senderName: '',
      scoreWeights: { goals: 90 },
      timings: { goalHrGrace: 'soon' },
      colour: 'blue',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid request');
    expect(refused.body.details).toEqual(
      expect.arrayContaining([
        'senderName: senderName is required',
        'timings.goalHrGrace: timings.goalHrGrace must be a duration such as 7d',
        'scoreWeights: scoreWeights.goals and scoreWeights.competencies must add up to 100',
        expect.stringContaining('colour'),
      ]),
    );
    expect(refused.body.details).toHaveLength(4);
    const notObject = await hr(stack, 'PATCH', '/settings', ['senderName']);
    expect(notObject.status).toBe(400);
    expect(notObject.body.details).toEqual([
      'the settings must be a JSON object such as { "senderName": "Acme People" }',
    ]);
    const badEnvelope = await hr(stack, 'PATCH', '/settings', { version: 4, settings: 'x', note: 'hi' });
    expect(badEnvelope.status).toBe(400);
    expect(badEnvelope.body.details).toEqual([
      'note: not a field of the settings envelope (version, savedAt, savedBy, settings); put settings fields inside "settings"',
      'settings: must be a JSON object',
    ]);
    const removesRequired = await hr(stack, 'PATCH', '/settings', { timeZone: null });
    expect(removesRequired.status).toBe(400);
    expect(removesRequired.body.details).toEqual(['timeZone: timeZone is required']);
    const partialPut = await hr(stack, 'PUT', '/settings', { senderName: 'Only this' });
    expect(partialPut.status).toBe(400);
    expect(partialPut.body.details).toContain('scale: scale must be a list of points');
    write('bad.json', { selfQuestions: [], recognition: 'monthly', anonymityThreshold: 2 });
    const viaCli = await cli(stack, dir.path, 'settings', 'set', '--file', 'bad.json');
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain('selfQuestions: selfQuestions needs at least one question');
    expect(viaCli.err).toContain('recognition: recognition must be immediate or weekly-digest');
    expect(viaCli.err).toContain(
      'anonymityThreshold: anonymityThreshold must be a whole number of at least 3 (fewer answers could be traced to their authors)',
    );
    expect(await current()).toEqual(before);
  });

  it('reads a version saved before peer and upward reviews with their defaults, and takes it back unchanged', async () => {
    const { settings: inForce, version } = await current();
    const { peerQuestions, upwardQuestions, anonymityThreshold, peerFeedback, ...old } = inForce;
    expect(
      await putSettingsVersion({
        version: version + 1,
        document: old,
        savedAt: new Date().toISOString(),
        savedBy: 'hr',
      }),
    ).toBe(true);
    const defaults = defaultSettingsInput('UTC', 'Example Org');
    const shown = await cli(stack, dir.path, 'settings', 'show', '--json');
    expect(JSON.parse(shown.out)).toMatchObject({
      version: version + 1,
      settings: {
        ...old,
        peerQuestions: defaults.peerQuestions,
        upwardQuestions: defaults.upwardQuestions,
        anonymityThreshold: 3,
        peerFeedback: 'anonymous',
      },
    });
    // The old document itself, or what `show` printed: nothing to save.
    write('old.json', old);
    const again = await cli(stack, dir.path, 'settings', 'set', '--file', 'old.json');
    expect(again.out).toBe(`no change: old.json matches version ${version + 1} in force; nothing saved`);
    expect((await hr(stack, 'PUT', '/settings', JSON.parse(shown.out))).body).toMatchObject({ saved: false });
    // Changing one of them stores it beside the defaults of the others.
    write('named.json', { peerFeedback: 'named' });
    const named = await cli(stack, dir.path, 'settings', 'set', '--file', 'named.json');
    expect(named.out).toBe(
      `settings saved as version ${version + 2}; the next cycle uses them\n  peerFeedback: "anonymous" -> "named"`,
    );
    expect((await current()).settings).toMatchObject({ peerFeedback: 'named', anonymityThreshold: 3, peerQuestions });
  });
});
