import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PEER_QUESTIONS,
  DEFAULT_SCALE,
  DEFAULT_SELF_QUESTIONS,
  DEFAULT_UPWARD_QUESTIONS,
} from '#domain/review-form.ts';
import {
  defaultSettingsInput,
  diffSettings,
  MAX_SELF_QUESTIONS,
  mergeSettings,
  settingsProblems,
  settingsSchema,
  unwrapSettings,
  updateSettings,
  withAddedDefaults,
  type SettingsInput,
} from '#domain/settings.ts';
import { DAY_MS } from '#domain/time.ts';

const HOUR_MS = 3_600_000;

/** Fresh defaults to change one thing in; typed loosely so that a test can break them. */
const defaults = (): any => defaultSettingsInput('Europe/Berlin', 'Example Org');

/** The fields issue 14 added: documents stored before it have none of them. */
const ADDED_FIELDS = ['peerQuestions', 'upwardQuestions', 'anonymityThreshold', 'peerFeedback'];

/** The defaults as a document stored before issue 14 holds them. */
const documentBeforeIssue14 = (): any =>
  Object.fromEntries(Object.entries(defaults()).filter(([key]) => !ADDED_FIELDS.includes(key)));

const THRESHOLD_PROBLEM =
  'anonymityThreshold: anonymityThreshold must be a whole number of at least 3 (fewer answers could be traced to their authors)';

/** The reasons a settings document is refused, e.g. ['scale.1.label: label is required']. */
function problemsOf(input: unknown): string[] {
  const result = settingsSchema.safeParse(input);
  if (result.success) throw new Error('expected the settings to be refused, they were accepted');
  return settingsProblems(result.error);
}

/** The defaults with one change made by `change`. */
function problemsWith(change: (settings: ReturnType<typeof defaults>) => void): string[] {
  const settings = defaults();
  change(settings);
  return problemsOf(settings);
}

const point = (value: unknown, label: unknown = `Point ${String(value)}`, description: unknown = 'What it means') => ({
  value,
  label,
  description,
});

describe('defaultSettingsInput', () => {
  it('parses into the 5-point scale, the three questions, no competencies, the default timings in ms and the organisation as sender', () => {
    expect(settingsSchema.parse(defaultSettingsInput('Pacific/Auckland', 'Example Org'))).toStrictEqual({
      scale: DEFAULT_SCALE,
      competencies: [],
      selfQuestions: DEFAULT_SELF_QUESTIONS,
      peerQuestions: DEFAULT_PEER_QUESTIONS,
      upwardQuestions: DEFAULT_UPWARD_QUESTIONS,
      anonymityThreshold: 3,
      peerFeedback: 'anonymous',
      timings: {
        reviewReminderLead: 3 * DAY_MS,
        reviewHrGrace: 2 * DAY_MS,
        goalReminderLead: 7 * DAY_MS,
        goalHrGrace: 7 * DAY_MS,
        acknowledgementReminder: 5 * DAY_MS,
      },
      timeZone: 'Pacific/Auckland',
      senderName: 'Example Org',
      scoreWeights: { goals: 70, competencies: 30 },
      recognition: 'immediate',
    });
  });

  it('writes durations as HR would type them', () => {
    expect(defaultSettingsInput('UTC', 'Example Org').timings).toStrictEqual({
      reviewReminderLead: '3d',
      reviewHrGrace: '2d',
      goalReminderLead: '7d',
      goalHrGrace: '7d',
      acknowledgementReminder: '5d',
    });
  });

  it('hands out copies: changing the defaults of one organisation does not change the built-in template', () => {
    const settings = defaults();
    settings.scale[0].label = 'Changed';
    settings.selfQuestions[0].label = 'Changed';
    settings.peerQuestions[0].label = 'Changed';
    settings.upwardQuestions[0].label = 'Changed';
    expect(DEFAULT_SCALE[0].label).toBe('Below expectations');
    expect(DEFAULT_SELF_QUESTIONS[0].label).toBe('What went well');
    expect(DEFAULT_PEER_QUESTIONS[0].label).toBe('What does this person do well when working with you?');
    expect(DEFAULT_UPWARD_QUESTIONS[0].label).toBe('How does your manager support your work and your growth?');
  });

  it('asks colleagues two questions and reports three about their manager, none of them a reserved field name', () => {
    expect(DEFAULT_PEER_QUESTIONS.map((question) => question.id)).toStrictEqual(['doesWell', 'doDifferently']);
    expect(DEFAULT_UPWARD_QUESTIONS.map((question) => question.id)).toStrictEqual(['support', 'clarity', 'change']);
    // Parsed alone, so a reserved or malformed id among the defaults would be refused here.
    expect(settingsSchema.shape.peerQuestions.parse(DEFAULT_PEER_QUESTIONS)).toStrictEqual(DEFAULT_PEER_QUESTIONS);
    expect(settingsSchema.shape.upwardQuestions.parse(DEFAULT_UPWARD_QUESTIONS)).toStrictEqual(
      DEFAULT_UPWARD_QUESTIONS,
    );
  });
});

describe('a document stored before issue 14 (no peer or upward fields)', () => {
  it('stays valid and parses with the defaults of the four fields', () => {
    const parsed = settingsSchema.parse(documentBeforeIssue14());
    expect(parsed).toStrictEqual(settingsSchema.parse(defaults()));
    expect(parsed).toMatchObject({
      peerQuestions: DEFAULT_PEER_QUESTIONS,
      upwardQuestions: DEFAULT_UPWARD_QUESTIONS,
      anonymityThreshold: 3,
      peerFeedback: 'anonymous',
    });
  });

  it('parses into copies: changing one parse changes neither the defaults nor the next parse', () => {
    const first = settingsSchema.parse(documentBeforeIssue14());
    first.peerQuestions[0].label = 'Changed';
    first.upwardQuestions.pop();
    const second = settingsSchema.parse(documentBeforeIssue14());
    expect(second.peerQuestions).toStrictEqual(DEFAULT_PEER_QUESTIONS);
    expect(second.upwardQuestions).toHaveLength(3);
    expect(DEFAULT_PEER_QUESTIONS[0].label).toBe('What does this person do well when working with you?');
  });

  it('is shown with the defaults filled in (withAddedDefaults), without changing it, and keeps what was set', () => {
    const old = documentBeforeIssue14();
    const snapshot = structuredClone(old);
    expect(withAddedDefaults(old)).toStrictEqual(defaults());
    expect(old).toStrictEqual(snapshot);
    const named = { ...old, peerFeedback: 'named', anonymityThreshold: 5 };
    expect(withAddedDefaults(named)).toStrictEqual({ ...defaults(), peerFeedback: 'named', anonymityThreshold: 5 });
  });

  it('saved again, whole or merged, changes nothing; a change to one of the four fields is listed', () => {
    const old = documentBeforeIssue14();
    expect(updateSettings(withAddedDefaults(old), old, 'replace')).toMatchObject({ ok: true, changes: [] });
    expect(updateSettings(withAddedDefaults(old), {}, 'merge')).toMatchObject({ ok: true, changes: [] });
    const update = updateSettings(withAddedDefaults(old), { anonymityThreshold: 5, peerFeedback: 'named' }, 'merge');
    expect(update).toMatchObject({
      ok: true,
      changes: ['anonymityThreshold: 3 -> 5', 'peerFeedback: "anonymous" -> "named"'],
    });
    if (update.ok) expect(update.settings).toMatchObject({ anonymityThreshold: 5, peerFeedback: 'named' });
  });

  it('takes null in a merge as back to the default, and lists the change', () => {
    const current = { ...defaults(), peerQuestions: [{ id: 'mine', label: 'Mine?' }] };
    const update = updateSettings(current, { peerQuestions: null }, 'merge');
    expect(update).toMatchObject({
      ok: true,
      changes: [
        'peerQuestions.0.id: "mine" -> "doesWell"',
        `peerQuestions.0.label: "Mine?" -> ${JSON.stringify(DEFAULT_PEER_QUESTIONS[0].label)}`,
        `peerQuestions.1: (none) -> ${JSON.stringify(DEFAULT_PEER_QUESTIONS[1])}`,
      ],
    });
    if (update.ok) expect(update.document.peerQuestions).toStrictEqual(DEFAULT_PEER_QUESTIONS);
  });
});

describe('settingsSchema accepts', () => {
  it('a custom 4-point scale with 2 competencies, 2 questions, its own peer and upward questions, a threshold of 5 and named peer answers, and it round-trips', () => {
    const input: SettingsInput = {
      scale: [
        { value: 4, label: 'Role model', description: 'Others learn from how this person works.' },
        { value: 1, label: 'Not yet', description: 'Still growing into the role.' },
        { value: 3, label: 'Strong', description: 'Reliably meets and often exceeds the bar.' },
        { value: 2, label: 'On track', description: 'Meets the bar of the role.' },
      ],
      competencies: [
        { id: 'teamwork', label: 'Teamwork', description: 'Works well with others.' },
        { id: 'customer-focus', label: 'Customer focus' },
      ],
      selfQuestions: [
        { id: 'proudOf', label: 'What are you proud of?' },
        { id: 'support2', label: 'What support do you need?' },
      ],
      peerQuestions: [{ id: 'bestMoment', label: 'When did working with them help you most?' }],
      upwardQuestions: [
        { id: 'listens', label: 'Does your manager listen?' },
        { id: 'unblocks', label: 'Does your manager unblock you?' },
      ],
      anonymityThreshold: 5,
      peerFeedback: 'named',
      timings: {
        reviewReminderLead: '1d12h',
        reviewHrGrace: '12h',
        goalReminderLead: '14d',
        goalHrGrace: '1d',
        acknowledgementReminder: '60d',
      },
      timeZone: 'America/New_York',
      senderName: 'People Team',
      scoreWeights: { goals: 60, competencies: 40 },
      recognition: 'weekly-digest',
    };
    const settings = settingsSchema.parse(input);
    expect(settings).toStrictEqual({
      scale: [input.scale[1], input.scale[3], input.scale[2], input.scale[0]],
      competencies: input.competencies,
      selfQuestions: input.selfQuestions,
      peerQuestions: input.peerQuestions,
      upwardQuestions: input.upwardQuestions,
      anonymityThreshold: 5,
      peerFeedback: 'named',
      timings: {
        reviewReminderLead: 36 * HOUR_MS,
        reviewHrGrace: 12 * HOUR_MS,
        goalReminderLead: 14 * DAY_MS,
        goalHrGrace: DAY_MS,
        acknowledgementReminder: 60 * DAY_MS,
      },
      timeZone: 'America/New_York',
      senderName: 'People Team',
      scoreWeights: { goals: 60, competencies: 40 },
      recognition: 'weekly-digest',
    });
    // The stored template parses again to itself.
    expect(
      settingsSchema.parse({
        ...input,
        scale: settings.scale,
        competencies: settings.competencies,
        selfQuestions: settings.selfQuestions,
        peerQuestions: settings.peerQuestions,
        upwardQuestions: settings.upwardQuestions,
      }),
    ).toStrictEqual(settings);
  });

  it('the scale sorted by value, whatever order it was written in', () => {
    const settings = defaults();
    settings.scale.reverse();
    expect(settingsSchema.parse(settings).scale.map((p: { value: number }) => p.value)).toStrictEqual([1, 2, 3, 4, 5]);
  });

  it('a scale of 3 and of 10 points, with values from 0 to 100 that need not be contiguous', () => {
    const three = defaults();
    three.scale = [point(100), point(0), point(50)];
    expect(settingsSchema.parse(three).scale.map((p: { value: number }) => p.value)).toStrictEqual([0, 50, 100]);
    const ten = defaults();
    ten.scale = Array.from({ length: 10 }, (_, index) => point(index + 1));
    expect(settingsSchema.parse(ten).scale).toHaveLength(10);
  });

  it('labels and texts trimmed', () => {
    const settings = defaults();
    settings.scale[0].label = '  Below expectations ';
    settings.senderName = ' HR team \n';
    const parsed = settingsSchema.parse(settings);
    expect(parsed.scale[0].label).toBe('Below expectations');
    expect(parsed.senderName).toBe('HR team');
  });

  it(`up to ${MAX_SELF_QUESTIONS} self questions and durations at their limits`, () => {
    const settings = defaults();
    settings.selfQuestions = Array.from({ length: MAX_SELF_QUESTIONS }, (_, index) => ({
      id: `q${index}`,
      label: `Question ${index}`,
    }));
    settings.timings = {
      reviewReminderLead: '1h',
      reviewHrGrace: '30d',
      goalReminderLead: '1d',
      goalHrGrace: '60d',
      acknowledgementReminder: '24h',
    };
    const parsed = settingsSchema.parse(settings);
    expect(parsed.selfQuestions).toHaveLength(10);
    expect(parsed.timings).toStrictEqual({
      reviewReminderLead: HOUR_MS,
      reviewHrGrace: 30 * DAY_MS,
      goalReminderLead: DAY_MS,
      goalHrGrace: 60 * DAY_MS,
      acknowledgementReminder: DAY_MS,
    });
  });

  it.each([
    [100, 0],
    [0, 100],
  ])('score weights %i/%i', (goals, competencies) => {
    const settings = defaults();
    settings.scoreWeights = { goals, competencies };
    expect(settingsSchema.parse(settings).scoreWeights).toStrictEqual({ goals, competencies });
  });
});

describe('settingsSchema refuses, giving the reason', () => {
  describe('the scale', () => {
    it.each([
      ['2 points', [point(1), point(2)]],
      ['11 points', Array.from({ length: 11 }, (_, index) => point(index))],
      ['no points', []],
    ])('of %s', (_, scale) => {
      expect(problemsWith((settings) => (settings.scale = scale))).toStrictEqual([
        'scale: scale must have 3 to 10 points',
      ]);
    });

    it('with a value twice', () => {
      expect(problemsWith((settings) => (settings.scale[1].value = 3))).toStrictEqual([
        'scale: scale values must be unique: 3 appears more than once',
      ]);
    });

    it('with a label twice', () => {
      expect(problemsWith((settings) => (settings.scale[1].label = 'Meets expectations'))).toStrictEqual([
        'scale: scale labels must be unique: Meets expectations appears more than once',
      ]);
    });

    it('with a label that differs from another only by spaces', () => {
      expect(problemsWith((settings) => (settings.scale[1].label = ' Meets expectations  '))).toStrictEqual([
        'scale: scale labels must be unique: Meets expectations appears more than once',
      ]);
    });

    it.each([
      ['missing', undefined],
      ['blank', '   '],
    ])('with a label %s', (_, label) => {
      expect(problemsWith((settings) => (settings.scale[1].label = label))).toStrictEqual([
        'scale.1.label: label is required',
      ]);
    });

    it.each([
      ['missing', undefined],
      ['blank', ''],
    ])('with a description %s', (_, description) => {
      expect(problemsWith((settings) => (settings.scale[2].description = description))).toStrictEqual([
        'scale.2.description: description is required',
      ]);
    });

    it('with a label over 60 characters or a description over 300', () => {
      expect(
        problemsWith((settings) => {
          settings.scale[0].label = 'l'.repeat(61);
          settings.scale[0].description = 'd'.repeat(301);
        }),
      ).toStrictEqual([
        'scale.0.label: label is longer than 60 characters',
        'scale.0.description: description is longer than 300 characters',
      ]);
    });

    it.each([
      ['a fraction', 2.5],
      ['text', '3'],
      ['nothing', undefined],
    ])('with a value that is %s', (_, value) => {
      expect(problemsWith((settings) => (settings.scale[2].value = value))).toStrictEqual([
        'scale.2.value: each scale point needs a whole-number value',
      ]);
    });

    it.each([-1, 101])('with the value %i', (value) => {
      expect(problemsWith((settings) => (settings.scale[4].value = value))).toStrictEqual([
        'scale.4.value: scale values are 0 to 100',
      ]);
    });

    it('with a field a scale point does not have', () => {
      expect(problemsWith((settings) => (settings.scale[0].colour = 'red'))).toStrictEqual([
        'scale.0: Unrecognized key: "colour"',
      ]);
    });
  });

  describe('the competencies', () => {
    it('with an id twice', () => {
      expect(
        problemsWith(
          (settings) =>
            (settings.competencies = [
              { id: 'teamwork', label: 'Teamwork' },
              { id: 'teamwork', label: 'Team spirit' },
            ]),
        ),
      ).toStrictEqual(['competencies: competency ids must be unique: teamwork appears more than once']);
    });

    it.each(['Teamwork', 'team work', '1st-line', '-teamwork', 'team_work', '', 'a'.repeat(41)])(
      'with the id %j',
      (id) => {
        expect(problemsWith((settings) => (settings.competencies = [{ id, label: 'Teamwork' }]))).toStrictEqual([
          'competencies.0.id: competency id must be lower-case letters, digits and dashes, starting with a letter',
        ]);
      },
    );

    it('without a label', () => {
      expect(problemsWith((settings) => (settings.competencies = [{ id: 'teamwork' }]))).toStrictEqual([
        'competencies.0.label: label is required',
      ]);
    });

    it('of more than 15', () => {
      expect(
        problemsWith(
          (settings) =>
            (settings.competencies = Array.from({ length: 16 }, (_, index) => ({
              id: `c${index}`,
              label: `C${index}`,
            }))),
        ),
      ).toStrictEqual(['competencies: at most 15 competencies']);
    });
  });

  describe('the self questions', () => {
    it.each(['rating', 'comments', 'overallRating', 'strengths', 'areasToImprove', 't', 'formToken', 'employeeId'])(
      'with the reserved id %s',
      (id) => {
        expect(problemsWith((settings) => (settings.selfQuestions[0].id = id))).toStrictEqual([
          `selfQuestions.0.id: question id ${id} is reserved`,
        ]);
      },
    );

    it.each(['went-well', 'went well', '1stQuestion', 'went_well', ''])('with the id %j', (id) => {
      expect(problemsWith((settings) => (settings.selfQuestions[0].id = id))).toStrictEqual([
        'selfQuestions.0.id: question id must be letters and digits, starting with a letter',
      ]);
    });

    it('with an id twice', () => {
      expect(problemsWith((settings) => (settings.selfQuestions[1].id = 'wentWell'))).toStrictEqual([
        'selfQuestions: question ids must be unique: wentWell appears more than once',
      ]);
    });

    it('of none', () => {
      expect(problemsWith((settings) => (settings.selfQuestions = []))).toStrictEqual([
        'selfQuestions: selfQuestions needs at least one question',
      ]);
    });

    it(`of more than ${MAX_SELF_QUESTIONS}`, () => {
      expect(
        problemsWith(
          (settings) =>
            (settings.selfQuestions = Array.from({ length: MAX_SELF_QUESTIONS + 1 }, (_, index) => ({
              id: `q${index}`,
              label: `Q${index}`,
            }))),
        ),
      ).toStrictEqual(['selfQuestions: at most 10 selfQuestions']);
    });

    it('with a label over 120 characters', () => {
      expect(problemsWith((settings) => (settings.selfQuestions[2].label = 'q'.repeat(121)))).toStrictEqual([
        'selfQuestions.2.label: label is longer than 120 characters',
      ]);
    });
  });

  describe.each(['peerQuestions', 'upwardQuestions'])('the %s, like the self questions', (field) => {
    it('with a reserved id', () => {
      expect(problemsWith((settings) => (settings[field][0].id = 'rating'))).toStrictEqual([
        `${field}.0.id: question id rating is reserved`,
      ]);
    });

    it('with an id that is not letters and digits', () => {
      expect(problemsWith((settings) => (settings[field][1].id = 'does-well'))).toStrictEqual([
        `${field}.1.id: question id must be letters and digits, starting with a letter`,
      ]);
    });

    it('with an id twice', () => {
      expect(problemsWith((settings) => (settings[field][1].id = settings[field][0].id))).toStrictEqual([
        `${field}: question ids must be unique: ${defaults()[field][0].id} appears more than once`,
      ]);
    });

    it('of none, of more than 10, or not a list', () => {
      expect(problemsWith((settings) => (settings[field] = []))).toStrictEqual([
        `${field}: ${field} needs at least one question`,
      ]);
      const eleven = Array.from({ length: MAX_SELF_QUESTIONS + 1 }, (_, index) => ({ id: `q${index}`, label: 'Q' }));
      expect(problemsWith((settings) => (settings[field] = eleven))).toStrictEqual([`${field}: at most 10 ${field}`]);
      expect(problemsWith((settings) => (settings[field] = { id: 'q', label: 'Q' }))).toStrictEqual([
        `${field}: ${field} must be a list`,
      ]);
    });

    it('with a blank label or one over 120 characters', () => {
      expect(
        problemsWith((settings) => {
          settings[field][0].label = ' ';
          settings[field][1].label = 'q'.repeat(121);
        }),
      ).toStrictEqual([`${field}.0.label: label is required`, `${field}.1.label: label is longer than 120 characters`]);
    });
  });

  describe('the anonymity threshold', () => {
    it.each([2, 0, -3, 2.9, 3.5, '3', null, true])('of %j, saying why', (threshold) => {
      expect(problemsWith((settings) => (settings.anonymityThreshold = threshold))).toStrictEqual([THRESHOLD_PROBLEM]);
    });

    it.each([3, 4, 50])('accepts %i', (threshold) => {
      const settings = defaults();
      settings.anonymityThreshold = threshold;
      expect(settingsSchema.parse(settings).anonymityThreshold).toBe(threshold);
    });
  });

  it.each(['public', 'Named', '', null])('peerFeedback of %j', (peerFeedback) => {
    expect(problemsWith((settings) => (settings.peerFeedback = peerFeedback))).toStrictEqual([
      'peerFeedback: peerFeedback must be anonymous or named',
    ]);
  });

  describe('the timings', () => {
    it.each([
      [
        'reviewReminderLead',
        '3 days',
        'timings.reviewReminderLead: timings.reviewReminderLead must be a duration such as 3d',
      ],
      ['reviewHrGrace', 'soon', 'timings.reviewHrGrace: timings.reviewHrGrace must be a duration such as 2d'],
      [
        'acknowledgementReminder',
        '',
        'timings.acknowledgementReminder: timings.acknowledgementReminder must be a duration such as 5d',
      ],
      [
        'acknowledgementReminder',
        5,
        'timings.acknowledgementReminder: timings.acknowledgementReminder must be a duration such as 5d',
      ],
      ['reviewHrGrace', '0d', 'timings.reviewHrGrace: timings.reviewHrGrace must be between 1h and 30d'],
      [
        'reviewReminderLead',
        '59m',
        'timings.reviewReminderLead: timings.reviewReminderLead must be between 1h and 30d',
      ],
      [
        'reviewReminderLead',
        '31d',
        'timings.reviewReminderLead: timings.reviewReminderLead must be between 1h and 30d',
      ],
      ['goalReminderLead', '90d', 'timings.goalReminderLead: timings.goalReminderLead must be between 24h and 60d'],
      ['goalHrGrace', '23h', 'timings.goalHrGrace: timings.goalHrGrace must be between 24h and 60d'],
      [
        'acknowledgementReminder',
        '60d1s',
        'timings.acknowledgementReminder: timings.acknowledgementReminder must be between 24h and 60d',
      ],
    ])('%s of %j', (key, value, problem) => {
      expect(problemsWith((settings) => (settings.timings[key] = value))).toStrictEqual([problem]);
    });

    it('with a timing it does not know', () => {
      expect(problemsWith((settings) => (settings.timings.selfReminder = '1d'))).toStrictEqual([
        'timings: Unrecognized key: "selfReminder"',
      ]);
    });
  });

  describe('the other fields', () => {
    it.each(['Mars/Olympus', 'Berlin', ''])('an unknown time zone %j', (timeZone) => {
      expect(problemsWith((settings) => (settings.timeZone = timeZone))).toStrictEqual([
        'timeZone: timeZone must be an IANA time zone such as Europe/Berlin',
      ]);
    });

    it.each(['People\nTeam', 'People\r\nTeam', 'People\tTeam'])(
      'a sender name %j that is not one line',
      (senderName) => {
        expect(problemsWith((settings) => (settings.senderName = senderName))).toStrictEqual([
          'senderName: senderName must be one line of text',
        ]);
      },
    );

    it('a blank or over-long sender name', () => {
      expect(problemsWith((settings) => (settings.senderName = ' '))).toStrictEqual([
        'senderName: senderName is required',
      ]);
      expect(problemsWith((settings) => (settings.senderName = 's'.repeat(81)))).toStrictEqual([
        'senderName: senderName is longer than 80 characters',
      ]);
    });

    it.each([
      [60, 30],
      [70, 40],
      [0, 0],
    ])('score weights %i/%i that do not add up to 100', (goals, competencies) => {
      expect(problemsWith((settings) => (settings.scoreWeights = { goals, competencies }))).toStrictEqual([
        'scoreWeights: scoreWeights.goals and scoreWeights.competencies must add up to 100',
      ]);
    });

    it('score weights that are not whole percentages', () => {
      expect(problemsWith((settings) => (settings.scoreWeights = { goals: 70.5, competencies: 29.5 }))).toStrictEqual([
        'scoreWeights.goals: scoreWeights.goals must be 0 to 100',
        'scoreWeights.competencies: scoreWeights.competencies must be 0 to 100',
      ]);
    });

    it.each(['monthly', 'Immediate', ''])('the recognition %j', (recognition) => {
      expect(problemsWith((settings) => (settings.recognition = recognition))).toStrictEqual([
        'recognition: recognition must be immediate or weekly-digest',
      ]);
    });
  });

  describe('the document', () => {
    it('with a key it does not know', () => {
      expect(problemsWith((settings) => (settings.theme = 'dark'))).toStrictEqual(['Unrecognized key: "theme"']);
    });

    it.each([
      ['scale', 'scale: scale must be a list of points'],
      ['competencies', 'competencies: competencies must be a list'],
      ['selfQuestions', 'selfQuestions: selfQuestions must be a list'],
      [
        'timings',
        'timings: timings is required: reviewReminderLead, reviewHrGrace, goalReminderLead, goalHrGrace, acknowledgementReminder',
      ],
      ['timeZone', 'timeZone: timeZone is required'],
      ['senderName', 'senderName: senderName is required'],
      ['scoreWeights', 'scoreWeights: scoreWeights is required: { goals, competencies } in percent, adding up to 100'],
      ['recognition', 'recognition: recognition must be immediate or weekly-digest'],
    ])('without %s', (key, problem) => {
      expect(problemsWith((settings) => delete settings[key])).toStrictEqual([problem]);
    });

    it('listing every problem at once', () => {
      expect(
        problemsWith((settings) => {
          settings.scale = [point(1), point(1)];
          settings.timeZone = 'Nowhere';
          settings.scoreWeights.goals = 50;
        }),
      ).toStrictEqual([
        'scale: scale must have 3 to 10 points',
        'scale: scale values must be unique: 1 appears more than once',
        'scale: scale labels must be unique: Point 1 appears more than once',
        'timeZone: timeZone must be an IANA time zone such as Europe/Berlin',
        'scoreWeights: scoreWeights.goals and scoreWeights.competencies must add up to 100',
      ]);
    });

    it.each([null, [], 'settings'])('that is not an object: %j', (input) => {
      expect(problemsOf(input)).toHaveLength(1);
    });
  });
});

describe('settingsProblems', () => {
  it('names the field of each problem by its path, and leaves a problem of the whole document unprefixed', () => {
    const result = settingsSchema.safeParse({ ...defaults(), extra: 1, senderName: '' });
    expect(result.success).toBe(false);
    expect(settingsProblems(result.error!)).toStrictEqual([
      'senderName: senderName is required',
      'Unrecognized key: "extra"',
    ]);
  });
});

describe('mergeSettings (JSON Merge Patch)', () => {
  it('merges objects at every depth, replaces lists whole and removes what is null, changing neither input', () => {
    const base = defaults();
    const snapshot = structuredClone(base);
    const patch = {
      senderName: 'Acme People',
      timings: { goalHrGrace: '10d' },
      scale: [point(1), point(2), point(3)],
      competencies: null,
    };
    const merged: any = mergeSettings(base, patch);
    expect(merged.senderName).toBe('Acme People');
    expect(merged.timings).toStrictEqual({ ...base.timings, goalHrGrace: '10d' });
    expect(merged.scale).toStrictEqual([point(1), point(2), point(3)]);
    expect('competencies' in merged).toBe(false);
    expect(merged.selfQuestions).toStrictEqual(base.selfQuestions);
    expect(base).toStrictEqual(snapshot);
    merged.scale[0].label = 'Changed';
    expect(patch.scale[0]!.label).toBe('Point 1');
  });

  it('keeps the base for an empty patch and takes the patch over a base that is not an object', () => {
    expect(mergeSettings(defaults(), {})).toStrictEqual(defaults());
    expect(mergeSettings({ scoreWeights: 'x' }, { scoreWeights: { goals: 50 } })).toStrictEqual({
      scoreWeights: { goals: 50 },
    });
    expect(mergeSettings(defaults(), ['a'])).toStrictEqual(['a']);
  });
});

describe('diffSettings', () => {
  it('finds nothing between equal documents, whatever order their fields are in', () => {
    const reordered = Object.fromEntries(Object.entries(defaults()).reverse());
    expect(diffSettings(defaults(), reordered)).toStrictEqual([]);
  });

  it('names each changed leaf in the order of the schema, with absent values as undefined', () => {
    const after = defaults();
    after.recognition = 'weekly-digest';
    after.senderName = 'Acme People';
    after.timings.reviewHrGrace = '3d';
    after.scale[1].label = 'Developing';
    after.competencies.push({ id: 'delivery', label: 'Delivery' });
    after.selfQuestions.pop();
    const before = defaults();
    expect(diffSettings(before, after)).toStrictEqual([
      { path: 'scale.1.label', from: before.scale[1].label, to: 'Developing' },
      { path: 'competencies.0', from: undefined, to: { id: 'delivery', label: 'Delivery' } },
      { path: `selfQuestions.${before.selfQuestions.length - 1}`, from: before.selfQuestions.at(-1), to: undefined },
      { path: 'timings.reviewHrGrace', from: '2d', to: '3d' },
      { path: 'senderName', from: 'Example Org', to: 'Acme People' },
      { path: 'recognition', from: 'immediate', to: 'weekly-digest' },
    ]);
  });
});

describe('unwrapSettings', () => {
  it('takes the document out of the envelope that GET /settings answers, ignoring version, savedAt and savedBy', () => {
    expect(
      unwrapSettings({ version: 3, savedAt: '2026-12-01T10:00:00.000Z', savedBy: 'hr', settings: { senderName: 'A' } }),
    ).toStrictEqual({ document: { senderName: 'A' }, problems: [] });
    expect(
      unwrapSettings({ version: 0, savedAt: null, savedBy: null, settings: { senderName: 'A' } }).document,
    ).toStrictEqual({ senderName: 'A' });
    expect(unwrapSettings({ senderName: 'A' })).toStrictEqual({ document: { senderName: 'A' }, problems: [] });
  });

  it('refuses what is not an object and names every unexpected envelope field', () => {
    for (const body of [null, [], 'text', 42]) expect(unwrapSettings(body).problems).toHaveLength(1);
    expect(unwrapSettings({ settings: [], verison: 2, senderName: 'A' }).problems).toStrictEqual([
      'verison: not a field of the settings envelope (version, savedAt, savedBy, settings); put settings fields inside "settings"',
      'senderName: not a field of the settings envelope (version, savedAt, savedBy, settings); put settings fields inside "settings"',
      'settings: must be a JSON object',
    ]);
  });
});

describe('updateSettings', () => {
  const current = (): SettingsInput => defaultSettingsInput('UTC', 'Example Org');

  it('merges a partial document, validates the whole and lists what changed', () => {
    const update = updateSettings(current(), { senderName: 'Acme People' }, 'merge');
    expect(update).toMatchObject({ ok: true, changes: ['senderName: "Example Org" -> "Acme People"'] });
    if (update.ok) expect(update.document).toStrictEqual({ ...current(), senderName: 'Acme People' });
  });

  it('finds no change in the envelope of the version in force, merged or replaced', () => {
    const envelope = { version: 2, savedAt: '2026-12-01T10:00:00.000Z', savedBy: 'hr', settings: current() };
    expect(updateSettings(current(), envelope, 'merge')).toMatchObject({ ok: true, changes: [] });
    expect(updateSettings(current(), envelope, 'replace')).toMatchObject({ ok: true, changes: [] });
  });

  it('shows additions and removals as (none)', () => {
    const update = updateSettings(current(), { competencies: [{ id: 'delivery', label: 'Delivery' }] }, 'merge');
    expect(update).toMatchObject({
      ok: true,
      changes: ['competencies.0: (none) -> {"id":"delivery","label":"Delivery"}'],
    });
  });

  it('refuses a merged document that is invalid as a whole, naming every problem', () => {
    expect(
      updateSettings(current(), { senderName: '', scoreWeights: { goals: 90 }, colour: 'blue' }, 'merge'),
    ).toStrictEqual({
      ok: false,
      problems: [
        'senderName: senderName is required',
        'scoreWeights: scoreWeights.goals and scoreWeights.competencies must add up to 100',
        expect.stringContaining('colour'),
      ],
    });
  });

  it('wants a whole document to replace', () => {
    const update = updateSettings(current(), { senderName: 'Only this' }, 'replace');
    expect(update.ok).toBe(false);
    if (!update.ok) expect(update.problems).toContain('scale: scale must be a list of points');
  });
});
