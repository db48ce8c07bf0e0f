import { describe, expect, it } from 'vitest';
import type { EmailContent } from '../../functions/mail/compose.ts';
import * as messages from '../../functions/mail/messages.ts';
import { formatDeadline } from '../../functions/domain/time.ts';
import { DEFAULT_SCALE } from '../../functions/domain/review-form.ts';
import { expectValidEmailHtml } from '../support/email-html.ts';

/**
 * Every composer of functions/mail/messages.ts with sample data: what each one asks of its reader (a form
 * to fill by a date, a console page for HR, or nothing), and HTML that passes html-validate's standard and
 * a11y presets with a mobile viewport. A new composer fails the guard below until it is classified here.
 */
const TZ = 'Europe/Berlin';
const ctx = { cycleName: '2026 Q4 <Sales & "Ops">', timeZone: TZ };
const DUE = Date.parse('2026-12-10T22:59:59Z');
const LATER = Date.parse('2026-12-20T22:59:59Z');
const form = (path: string) => `https://perfcycle.example.com${path}?t=abc.def&x=1`;
const CONSOLE = 'https://perfcycle.example.com/console#/cycles/cyc_1';
const ana = { employeeId: 'E042', name: 'Ana Lima', managerKey: 'm1', managerName: 'Maria Manager' };
// Names repeat: the id tells them apart.
const otherAna = { employeeId: 'E107', name: 'Ana Lima', managerKey: 'HR', managerName: 'HR' };
const goal = { title: 'Close 10 deals', due: DUE, progress: 40, target: '10 signed contracts' };
const review = {
  rating: 4,
  comments: 'A strong quarter',
  managerName: 'Maria Manager',
  goalRatings: [],
  score: { value: 4, label: 'Exceeds expectations' },
} as unknown as messages.ResultLine;

type Asks = { form: string; by: number } | { console: string; people?: string[] } | 'informs';
interface Variant {
  name: string;
  mail: EmailContent;
  asks: Asks;
}

const KINDS: Record<keyof typeof messages, Variant[]> = {
  invitation: [
    {
      name: 'invitation',
      mail: messages.invitation(ctx, ana, DUE, form('/forms/self')),
      asks: { form: form('/forms/self'), by: DUE },
    },
  ],
  selfReminder: [
    {
      name: 'self reminder',
      mail: messages.selfReminder(ctx, ana, DUE, form('/forms/self')),
      asks: { form: form('/forms/self'), by: DUE },
    },
  ],
  selfOverdueToManager: [
    {
      name: 'overdue self-assessments to the manager',
      mail: messages.selfOverdueToManager(ctx, { name: 'Maria' }, DUE, [ana], LATER),
      asks: 'informs',
    },
  ],
  selfOverdueToHr: [
    {
      name: 'overdue self-assessments to HR',
      mail: messages.selfOverdueToHr(ctx, DUE, [ana, otherAna], LATER, CONSOLE),
      asks: {
        console: CONSOLE,
        people: ['Ana Lima (E042), manager: Maria Manager (m1)', 'Ana Lima (E107), manager: HR'],
      },
    },
  ],
  managerRequest: [
    {
      name: 'manager request',
      mail: messages.managerRequest(ctx, { name: 'Maria' }, DUE, [ana], form('/forms/team')),
      asks: { form: form('/forms/team'), by: DUE },
    },
  ],
  reviewReminder: [
    {
      name: 'review reminder',
      mail: messages.reviewReminder(ctx, { name: 'Maria' }, DUE, [ana], form('/forms/team')),
      asks: { form: form('/forms/team'), by: DUE },
    },
  ],
  reviewOverdueToManager: [
    {
      name: 'overdue reviews to the manager',
      mail: messages.reviewOverdueToManager(ctx, { name: 'Maria' }, DUE, [ana], form('/forms/team'), LATER),
      asks: { form: form('/forms/team'), by: LATER },
    },
  ],
  calibrationReminder: [
    {
      name: 'calibration reminder',
      mail: messages.calibrationReminder(ctx, DUE, [ana, otherAna], CONSOLE),
      asks: {
        console: CONSOLE,
        people: ['Ana Lima (E042), manager: Maria Manager (m1)', 'Ana Lima (E107), manager: HR'],
      },
    },
    {
      name: 'calibration reminder, every review in',
      mail: messages.calibrationReminder(ctx, DUE, [], CONSOLE),
      asks: { console: CONSOLE, people: [] },
    },
  ],
  reviewReopened: [
    {
      name: 'review reopened',
      mail: messages.reviewReopened(ctx, { name: 'Maria' }, ana, DUE, form('/forms/team')),
      asks: { form: form('/forms/team'), by: DUE },
    },
  ],
  reviewOverdueToHr: [
    {
      name: 'overdue reviews to HR',
      mail: messages.reviewOverdueToHr(ctx, DUE, [ana, otherAna], CONSOLE),
      asks: { console: CONSOLE, people: ['Ana Lima (E042), manager: Maria Manager (m1)'] },
    },
  ],
  result: [
    {
      name: 'result',
      mail: messages.result(ctx, ana, DEFAULT_SCALE, review, form('/forms/results'), LATER),
      asks: { form: form('/forms/results'), by: LATER },
    },
    {
      name: 'result without a review',
      mail: messages.result(ctx, ana, DEFAULT_SCALE, undefined, undefined, LATER),
      asks: 'informs',
    },
    {
      name: 'result with a rating set in calibration',
      mail: messages.result(ctx, ana, DEFAULT_SCALE, { ...review, adjustedRating: 5 }, form('/forms/results'), LATER),
      asks: { form: form('/forms/results'), by: LATER },
    },
  ],
  acknowledgement: [
    {
      name: 'acknowledgement to the manager',
      mail: messages.acknowledgement(ctx, { name: 'Maria' }, ana, {
        disagree: true,
        comment: 'I <disagree>',
        goals: 'none-offered',
        proposedGoals: 0,
      }),
      asks: 'informs',
    },
    {
      name: 'acknowledgement to HR',
      mail: messages.acknowledgement(
        ctx,
        { name: 'HR team' },
        ana,
        { disagree: false, goals: 'accepted', proposedGoals: 2 },
        CONSOLE,
      ),
      asks: { console: CONSOLE, people: ['Ana Lima (E042)'] },
    },
  ],
  upwardInvitation: [
    {
      name: 'upward invitation',
      mail: messages.upwardInvitation(ctx, ana, { name: 'Maria Manager' }, DUE, form('/forms/upward'), 3),
      asks: { form: form('/forms/upward'), by: DUE },
    },
  ],
  upwardReminder: [
    {
      name: 'upward reminder',
      mail: messages.upwardReminder(ctx, ana, { name: 'Maria Manager' }, DUE, form('/forms/upward')),
      asks: { form: form('/forms/upward'), by: DUE },
    },
  ],
  upwardResult: [
    {
      name: 'upward result',
      mail: messages.upwardResult(ctx, { name: 'Maria' }, [{ id: 'support', label: 'Support?' }], DEFAULT_SCALE, {
        tooFewAnswers: false,
        answers: [{ answers: { support: 'Clear <goals>' }, rating: 4 }, { answers: { support: 'Listens' } }],
        mean: 4,
      }),
      asks: 'informs',
    },
    {
      name: 'upward result, too few answers',
      mail: messages.upwardResult(ctx, { name: 'Maria' }, [], DEFAULT_SCALE, {
        tooFewAnswers: true,
        count: 2,
        needed: 3,
      }),
      asks: 'informs',
    },
  ],
  acknowledgementReminder: [
    {
      name: 'acknowledgement reminder',
      mail: messages.acknowledgementReminder(ctx, ana, LATER, form('/forms/results')),
      asks: { form: form('/forms/results'), by: LATER },
    },
  ],
  cancellation: [{ name: 'cancellation', mail: messages.cancellation(ctx, ana), asks: 'informs' }],
  goalReminder: [
    {
      name: 'goal reminder',
      mail: messages.goalReminder(ctx, ana, goal, form('/forms/goals')),
      asks: { form: form('/forms/goals'), by: DUE },
    },
  ],
  goalMissed: [
    {
      name: 'missed goal to the owner',
      mail: messages.goalMissed(ctx, ana, ana, goal, LATER, form('/forms/goals')),
      asks: { form: form('/forms/goals'), by: LATER },
    },
    {
      name: 'missed goal to the manager',
      mail: messages.goalMissed(ctx, { name: 'Maria' }, ana, goal, LATER),
      asks: 'informs',
    },
  ],
  goalAtRisk: [
    {
      name: 'goal at risk',
      mail: messages.goalAtRisk(ctx, { name: 'Maria' }, ana, goal, [
        { at: '2026-11-01T10:00:00Z', progress: 10, status: 'AT_RISK', by: 'hr:local-hr' },
        { at: '2026-11-08T10:00:00Z', progress: 10, status: 'OFF_TRACK', by: 'hr:local-hr' },
      ]),
      asks: 'informs',
    },
  ],
  goalToHr: [
    {
      name: 'missed goal to HR',
      mail: messages.goalToHr(
        ctx,
        { ...ana, manager: { name: 'Maria Manager', employeeId: 'm1' } },
        goal,
        [{ at: '2026-11-01T10:00:00Z', progress: 10, status: 'AT_RISK', by: 'employee:E042' }],
        'one-to-one',
        CONSOLE,
      ),
      asks: { console: CONSOLE, people: ['Ana Lima (E042)', 'manager: Maria Manager (m1)'] },
    },
  ],
  goalSet: [
    {
      name: 'goal set',
      mail: messages.goalSet(ctx, ana, { ...goal, weight: 50 }, form('/forms/goals')),
      asks: { form: form('/forms/goals'), by: DUE },
    },
  ],
  feedbackReceived: (['recipient', 'manager', 'team'] as const).flatMap((role) =>
    (['praise', 'constructive'] as const).map((kind) => ({
      name: `${kind} to the ${role}`,
      mail: messages.feedbackReceived(
        { name: 'Maria' },
        role,
        { kind, fromName: 'Bob <Prompt>', text: 'Great <b>demo</b>\nThanks' },
        ana,
      ),
      asks: 'informs' as const,
    })),
  ),
  praiseDigest: [
    {
      name: 'praise digest',
      mail: messages.praiseDigest(ana, '2026-11-30', [{ fromName: 'Bob', toName: 'Ana Lima', text: 'Great demo' }]),
      asks: 'informs',
    },
  ],
  feedbackRequest: [
    {
      name: 'feedback request',
      mail: messages.feedbackRequest(
        ctx,
        ana,
        { name: 'Bob Prompt' },
        'How was my demo?',
        LATER,
        form('/forms/feedback'),
      ),
      asks: { form: form('/forms/feedback'), by: LATER },
    },
  ],
  peerInvitation: [
    {
      name: 'peer review request, answers anonymous to the person',
      mail: messages.peerInvitation(ctx, { name: 'Bob Prompt' }, ana, DUE, form('/forms/peer'), 'anonymous'),
      asks: { form: form('/forms/peer'), by: DUE },
    },
    {
      name: 'peer review request, answers named',
      mail: messages.peerInvitation(ctx, { name: 'Bob Prompt' }, ana, DUE, form('/forms/peer'), 'named'),
      asks: { form: form('/forms/peer'), by: DUE },
    },
  ],
  peerReminder: [
    {
      name: 'peer review reminder',
      mail: messages.peerReminder(ctx, { name: 'Bob Prompt' }, ana, DUE, form('/forms/peer')),
      asks: { form: form('/forms/peer'), by: DUE },
    },
  ],
  peerNomination: [
    {
      name: 'peer nomination, to the manager',
      mail: messages.peerNomination(
        ctx,
        { name: 'Maria' },
        ana,
        [{ employeeId: 'E107', name: 'Ana Lima' }],
        DUE,
        form('/forms/peer-approval'),
      ),
      asks: { form: form('/forms/peer-approval'), by: DUE },
    },
  ],
  ratingAdjusted: [
    {
      name: 'rating adjusted, to the manager',
      mail: messages.ratingAdjusted(ctx, { name: 'Maria' }, ana, DEFAULT_SCALE, {
        from: { value: 3.4, label: 'Meets expectations' },
        to: { value: 4, label: 'Exceeds expectations' },
        reason: 'Led the <migration> & more',
      }),
      asks: 'informs',
    },
  ],
  deliveryFailure: [
    {
      name: 'delivery failure',
      mail: messages.deliveryFailure(
        [
          'Ana Lima (E042) <ana@example.com> did not get the self-assessment invitation (MessageRejected: no). Correct the address.',
        ],
        CONSOLE,
      ),
      asks: { console: CONSOLE, people: ['Ana Lima (E042) <ana@example.com>'] },
    },
  ],
};

const variants = Object.values(KINDS).flat();
const html = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

describe('every message', () => {
  it('is classified: a new composer in messages.ts fails here until it says what it asks of its reader', () => {
    expect(Object.keys(KINDS).sort()).toEqual(
      Object.keys(messages)
        .filter((name) => typeof (messages as Record<string, unknown>)[name] === 'function')
        .sort(),
    );
  });

  it.each(
    variants
      .filter((variant) => typeof variant.asks === 'object' && 'form' in variant.asks)
      .map((variant) => [variant.name, variant] as const),
  )(
    '%s asks for an action: carries the link to do it and the date by which, in the organisation\u2019s zone',
    (_name, { mail, asks }) => {
      const { form: url, by } = asks as { form: string; by: number };
      const date = formatDeadline(by, TZ);
      expect(date).toMatch(/\(Europe\/Berlin\)$/);
      expect(mail.text).toContain(url);
      expect(mail.html).toContain(`href="${html(url)}"`);
      expect(mail.text).toContain(date);
      expect(mail.html).toContain(html(date));
    },
  );

  it.each(
    variants
      .filter((variant) => typeof variant.asks === 'object' && 'console' in variant.asks)
      .map((variant) => [variant.name, variant] as const),
  )('%s is for HR: links to the console page concerned and names people with their id', (_name, { mail, asks }) => {
    const { console: url, people } = asks as { console: string; people: string[] };
    expect(mail.text).toContain(`Open in the HR console: ${url}`);
    expect(mail.html).toContain(`href="${html(url)}"`);
    for (const line of people) expect(mail.text).toContain(line);
  });

  it.each(variants.filter((variant) => variant.asks === 'informs').map((variant) => [variant.name, variant] as const))(
    '%s informs: it links to no form',
    (_name, { mail }) => {
      expect(mail.text).not.toContain('/forms/');
      expect(mail.html).not.toContain('<a ');
    },
  );

  it.each(variants.map((variant) => [variant.name, variant] as const))(
    '%s: its HTML passes html-validate (standard, a11y) and has a mobile viewport',
    async (_name, { mail }) => {
      await expectValidEmailHtml(mail.html);
    },
  );

  it('gives the final rating HR set in calibration, without HR\u2019s reason, and keeps the manager\u2019s own overall rating', () => {
    const [, , calibrated] = KINDS.result;
    expect(calibrated.mail.text).toContain(
      'Final rating: 5 of 5 - Exceptional, set in calibration, where HR compares ratings across teams',
    );
    expect(calibrated.mail.text).not.toContain('Final score');
    expect(calibrated.mail.text).toContain('Overall rating: 4 of 5 - Exceeds expectations');
    const [adjusted] = KINDS.ratingAdjusted;
    expect(adjusted.mail.subject).toBe('2026 Q4 <Sales & "Ops">: HR adjusted Ana Lima\'s final rating');
    expect(adjusted.mail.text).toContain(
      'Final rating: 4 of 5 - Exceeds expectations (before: 3.4 of 5 - Meets expectations)',
    );
    expect(adjusted.mail.text).toContain("HR's reason: Led the <migration> & more");
    expect(adjusted.mail.html).toContain('HR&#39;s reason: Led the &lt;migration&gt; &amp; more');
  });

  it('says who marked a goal at risk: HR, not the owner, when HR posted both check-ins', () => {
    const [atRisk] = KINDS.goalAtRisk;
    expect(atRisk.mail.text).toContain("HR marked Ana Lima's goal at risk or off track in two check-ins in a row:");
    const byOwner = messages.goalAtRisk(ctx, { name: 'Maria' }, ana, goal, [
      { at: '2026-11-01T10:00:00Z', progress: 10, status: 'AT_RISK', by: 'hr:local-hr' },
      { at: '2026-11-08T10:00:00Z', progress: 10, status: 'AT_RISK', by: 'employee:E042' },
    ]);
    expect(byOwner.text).toContain("HR, then Ana Lima, marked Ana Lima's goal at risk");
    const unknown = messages.goalAtRisk(ctx, { name: 'Maria' }, ana, goal, [
      { at: '2026-11-01T10:00:00Z', progress: 10, status: 'AT_RISK' },
      { at: '2026-11-08T10:00:00Z', progress: 10, status: 'AT_RISK' },
    ]);
    expect(unknown.text).toContain("Two check-ins in a row marked Ana Lima's goal at risk or off track:");
  });

  it('tells the goal owner they can post 100 % themselves, not to ask their manager', () => {
    for (const mail of [KINDS.goalReminder[0].mail, KINDS.goalMissed[0].mail]) {
      expect(mail.text).toContain('post a check-in at 100 % on your goals page');
      expect(mail.text).not.toMatch(/tell your manager|ask your manager/);
    }
  });
});

describe('the html-validate check itself', () => {
  it('fails HTML without a viewport, or that breaks a rule', async () => {
    const page = (head: string, body: string) =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}<title>t</title></head><body>${body}</body></html>`;
    await expect(expectValidEmailHtml(page('', '<p>Hi</p>'))).rejects.toThrow(/viewport/);
    await expect(
      expectValidEmailHtml(
        page('<meta name="viewport" content="width=device-width, initial-scale=1">', '<a href="x"></a>'),
      ),
    ).rejects.toThrow();
  });
});

describe('the peer review request', () => {
  it('names the person and the deadline, and tells the reviewer who reads their answers, with or without their name', () => {
    const [anonymous, named] = KINDS.peerInvitation;
    expect(anonymous.mail.subject).toBe('2026 Q4 <Sales & "Ops">: please give peer feedback on Ana Lima');
    expect(anonymous.mail.text).toContain(
      `HR asks you for a short peer review of Ana Lima, by ${formatDeadline(DUE, TZ)}.`,
    );
    expect(anonymous.mail.text).toContain('Ana Lima reads them without your name once results are released.');
    expect(named.mail.text).toContain('Ana Lima reads them with your name once results are released.');
    const approved = messages.peerInvitation(ctx, { name: 'Bob' }, ana, DUE, form('/forms/peer'), 'anonymous', {
      name: 'Maria Manager',
    });
    expect(approved.text).toContain(
      'Ana Lima asks you for a short peer review, and Maria Manager approved the request.',
    );
  });
});
