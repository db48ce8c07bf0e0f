import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAnswers } from '../../functions/services/form-pages.ts';
import { getAssessment, listAnswerVersions, type StoredReview } from '../../functions/store/assessments.ts';
import { listAuditEvents } from '../../functions/store/audit.ts';
import { addProgress } from '../../functions/domain/progress.ts';
import type { FeedbackRequestRecord } from '../../functions/store/feedback.ts';
import { getGoal, listGoals } from '../../functions/store/goals.ts';
import { listDepartmentProgress } from '../../functions/store/progress.ts';
import { getCycle } from '../../functions/store/cycles.ts';
import { getDraft } from '../../functions/store/submissions.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import {
  addGoalByCli,
  cli,
  dateAfter,
  DAY,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Every form post is counted once (issue 10): the identical POST sent twice, or several at once, records
 * once and mails once; each POST answers 303 to a page that shows the outcome, and reloading that page
 * changes nothing; a freshly opened page is a new submission. And every form route acts only on the link
 * owner's own data (part 9): someone else's id in a post or a query finds nothing of theirs.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Keen,cid@example.com,m1,Sales
m2,Max Other,max@example.com,,Ops
x1,Xena Far,xena@example.com,m2,Ops
`;
const CYCLE = 'Once Q';
/** What Xena, in another team, wrote or owns: none of it may appear in an answer to someone else's post. */
const XENA = ['Xena', 'xena@example.com', 'Secret plan of Xena', 'XENA-SELF-ANSWER'];
const ATTEMPTS_AT_ONCE = 5;

interface Posted {
  status: number;
  html: string;
  location: string | undefined;
}

/** One form post recorded once: what it stores, read from the table, and the mail it sends. */
interface Once {
  link: string;
  answers: Record<string, string>;
  stored: () => Promise<unknown>;
  notice: string;
  /** The notice after the same post again; the first one when the form says the same. */
  repeatNotice?: string;
  mail?: (mail: Mail) => boolean;
}

describe('every form post counts once, and acts only on the link owner', () => {
  const dir = tempDir('perfcycle-form-posts-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDue: number;
  let managerDue: number;
  const goalLinks: Record<string, string> = {};
  const goalIds: Record<string, string> = {};
  const selfLinks: Record<string, string> = {};
  const resultLinks: Record<string, string> = {};
  let teamLink: string;

  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };
  const mails = async (filter: (mail: Mail) => boolean) => (await mailbox(stack)).filter(filter);
  /** The cycle's phase as its own item and the cycle item keep it, and whether the cycle says it keeps the first. */
  /** Where the cycle's phase is kept: its own item, the cycle item, and each department's counter. */
  const phases = async () => {
    const [own, cycle, counters] = await Promise.all([
      db().send(new GetCommand({ TableName: tableName(), Key: keys.cyclePhase(cycleId), ConsistentRead: true })),
      getCycle(cycleId),
      db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.progressPrefix },
          ConsistentRead: true,
        }),
      ),
    ]);
    return {
      item: own.Item?.phase ?? null,
      cycle: cycle!.phase,
      kept: cycle!.phaseKept ?? false,
      onCounters: cycle!.phaseOnCounters ?? false,
      carried: cycle!.countersCarryPhase ?? false,
      counters: [...new Set(counters.Items!.map((counter) => counter.phase ?? null))],
    };
  };
  const subject = (text: string, to?: string) => (mail: Mail) =>
    mail.subject === text && (to === undefined || mail.to === to);
  /** The self-assessment in force, read as the pages read it: from its version. */
  const selfAnswersOf = async (employeeId: string) =>
    (await withAnswers((await getAssessment(cycleId, employeeId))!, { self: true })).selfAnswers;
  const audits = async (action: string, employeeId: string) =>
    (await listAuditEvents(cycleId)).filter((event) => event.action === action && event.employeeId === employeeId)
      .length;
  const requestsOf = async (requesterId: string): Promise<FeedbackRequestRecord[]> => {
    const items: FeedbackRequestRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new ScanCommand({
          TableName: tableName(),
          FilterExpression: 'begins_with(pk, :fbreq) AND requesterId = :requester',
          ExpressionAttributeValues: { ':fbreq': 'FBREQ#', ':requester': requesterId },
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as FeedbackRequestRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  const expectNoneOf = (html: string, words: string[]) => {
    for (const word of words) expect(html, word).not.toContain(word);
  };
  const addGoal = async (employee: string, title: string, days: number) => {
    goalIds[title] = await addGoalByCli(stack, dir.path, { employee, title, due: dateAfter(stack.clock.now(), days) });
  };

  /**
   * Sends the identical POST twice (a double click, a resend after a timeout), then reloads the page the
   * second redirect led to: both answer 303 to a page with the outcome, the first records, nothing after it
   * changes what is stored, and the mail it causes went out once. Answers the stored state before and after.
   */
  async function postedTwice(once: Once): Promise<{ before: unknown; after: unknown }> {
    const hidden = await openForm(once.link);
    const countMail = async () => (once.mail ? (await mails(once.mail)).length : 0);
    const mailBefore = await countMail();
    const before = await once.stored();
    const first = await postForm(once.link, hidden, once.answers);
    expectOutcomePage(first, once.notice);
    const after = await once.stored();
    expect(after).not.toEqual(before);
    const second = await postForm(once.link, hidden, once.answers);
    expectOutcomePage(second, once.repeatNotice ?? once.notice);
    expect((await fetch(second.location!)).status).toBe(200);
    await stack.settled();
    expect(await once.stored()).toEqual(after);
    if (once.mail) expect((await countMail()) - mailBefore).toBe(1);
    return { before, after };
  }

  function expectOutcomePage(posted: Posted, notice: string) {
    expect(posted.status, posted.html.slice(0, 1500)).toBe(303);
    expect(posted.location).toBeDefined();
    expect(new URL(posted.location!).searchParams.get('notice')).toBeTruthy();
    expect(posted.html).toContain(`<p role="status"><strong>${notice}</strong></p>`);
  }

  /** The same post sent several times at once (a proxy's retries, impatient tapping): every answer is a 303, one of them records. */
  async function postedAtOnce(link: string, answers: Record<string, string>): Promise<void> {
    const hidden = await openForm(link);
    const answered = await Promise.all(Array.from({ length: ATTEMPTS_AT_ONCE }, () => postForm(link, hidden, answers)));
    expect(answered.map((posted) => posted.status)).toEqual(Array(ATTEMPTS_AT_ONCE).fill(303));
    await stack.settled();
  }

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    // Due after the quarter under review, so the review forms do not ask for their ratings.
    await addGoal('e1', 'Close deals', 100);
    await addGoal('e1', 'Ship pricing', 100);
    await addGoal('x1', 'Secret plan of Xena', 100);
    for (const employeeId of ['e1', 'x1']) {
      const set = (await mails((mail) => mail.subject.startsWith('New goal: '))).find(
        (mail) => mail.to === (employeeId === 'e1' ? 'ann@example.com' : 'xena@example.com'),
      )!;
      goalLinks[employeeId] = linkIn(set, '/forms/goals');
    }
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  describe('the goals page', () => {
    const checkIns = async (title: string) =>
      (await getGoal(title === 'Secret plan of Xena' ? 'x1' : 'e1', goalIds[title]))!.checkIns.length;
    const atRisk = subject('Ann Early\'s goal "Close deals" has been at risk twice in a row', 'maria@example.com');

    it('records the same at-risk check-in posted twice once, so the manager hears of no "at risk twice in a row"', async () => {
      const atRiskCheckIn = {
        goalId: goalIds['Close deals'],
        progress: '10',
        status: 'AT_RISK',
        note: 'A big deal slipped',
      };
      const { after } = await postedTwice({
        link: goalLinks.e1,
        answers: atRiskCheckIn,
        stored: () => checkIns('Close deals'),
        notice: 'Your check-in was saved.',
      });
      expect(after).toBe(1);
      expect(await mails(atRisk)).toEqual([]);
    });

    it('records a second, deliberate at-risk check-in from a freshly opened page, and tells the manager once', async () => {
      const again = await postForm(goalLinks.e1, await openForm(goalLinks.e1), {
        goalId: goalIds['Close deals'],
        progress: '12',
        status: 'AT_RISK',
      });
      expectOutcomePage(again, 'Your check-in was saved.');
      expect(again.html).toMatch(/12%, At risk<\/li><li>.*10%, At risk - A big deal slipped/);
      expect(await checkIns('Close deals')).toBe(2);
      expect(await mails(atRisk)).toHaveLength(1);
      // A third one from yet another page is a check-in too; the manager was told already.
      await postForm(goalLinks.e1, await openForm(goalLinks.e1), {
        goalId: goalIds['Close deals'],
        progress: '12',
        status: 'AT_RISK',
      });
      expect(await checkIns('Close deals')).toBe(3);
      expect(await mails(atRisk)).toHaveLength(1);
    });

    it('records one check-in for the same post sent several times at once', async () => {
      await postedAtOnce(goalLinks.e1, { goalId: goalIds['Ship pricing'], progress: '30', status: 'ON_TRACK' });
      expect(await checkIns('Ship pricing')).toBe(1);
    });

    it('keeps what was typed when a check-in is refused, and records nothing', async () => {
      const refused = await postForm(goalLinks.e1, await openForm(goalLinks.e1), {
        goalId: goalIds['Ship pricing'],
        progress: '140',
        status: 'OFF_TRACK',
        note: 'Typed & kept',
      });
      expect(refused.status).toBe(400);
      expect(refused.html).toContain('Progress must be a whole number from 0 to 100');
      expect(refused.html).toMatch(new RegExp(`id="progress-${goalIds['Ship pricing']}"[^>]* value="140"`));
      expect(refused.html).toContain('value="OFF_TRACK" checked');
      expect(refused.html).toContain('>Typed &amp; kept</textarea>');
      expect(await checkIns('Ship pricing')).toBe(1);
    });

    it('answers a check-in on someone else\u2019s goal with a page that names none of it, and changes nothing', async () => {
      const foreign = await postForm(goalLinks.e1, await openForm(goalLinks.e1), {
        goalId: goalIds['Secret plan of Xena'],
        progress: '90',
        status: 'ON_TRACK',
        employeeId: 'x1',
      });
      expect(foreign.status).toBe(404);
      expect(foreign.html).toContain('That goal is not one of yours, so nothing was saved.');
      expectNoneOf(foreign.html, [...XENA, goalIds['Secret plan of Xena']]);
      expect(await checkIns('Secret plan of Xena')).toBe(0);
    });

    it('sends a feedback request posted twice once, and each colleague one email', async () => {
      const asks = subject('Ann Early asks for your feedback');
      const before = (await mails(asks)).length;
      const { after } = await postedTwice({
        link: goalLinks.e1,
        answers: {
          action: 'request-feedback',
          colleagues: 'bob@example.com\nxena@example.com',
          message: 'How was the launch?',
          employeeId: 'e3',
        },
        stored: async () => (await requestsOf('e1')).map((request) => request.colleagueIds),
        notice: 'Your request was sent: each colleague gets an email with a link to answer it.',
      });
      expect(after).toEqual([['e2', 'x1']]);
      expect(
        (await mails(asks))
          .slice(before)
          .map((mail) => mail.to)
          .sort(),
      ).toEqual(['bob@example.com', 'xena@example.com']);
      // Sent several times at once, a request to Cid is stored and mailed once too.
      await postedAtOnce(goalLinks.e1, { action: 'request-feedback', colleagues: 'cid@example.com', message: '' });
      expect((await requestsOf('e1')).map((request) => request.colleagueIds).sort()).toEqual([['e2', 'x1'], ['e3']]);
      expect(
        (await mails(asks))
          .slice(before)
          .map((mail) => mail.to)
          .sort(),
      ).toEqual(['bob@example.com', 'cid@example.com', 'xena@example.com']);
    });
  });

  describe('the feedback form', () => {
    const answerLink = async (to: string) =>
      linkIn(
        (await mails((mail) => mail.subject === 'Ann Early asks for your feedback' && mail.to === to))[0],
        '/forms/feedback',
      );
    const answers = async () =>
      Object.fromEntries(
        (await requestsOf('e1')).flatMap((request) =>
          Object.entries(request.answered).map(([colleague, answer]) => [colleague, answer.text]),
        ),
      );

    it('records an answer posted twice once, and delivers it once; the person is the link\u2019s, whatever the post names', async () => {
      const { after } = await postedTwice({
        link: await answerLink('xena@example.com'),
        answers: { kind: 'constructive', text: 'Send the agenda earlier', employeeId: 'e3', requestId: 'fbr_other' },
        stored: answers,
        notice: 'Thank you: your feedback was sent.',
        repeatNotice: 'Your feedback was already sent from this page; it was recorded once.',
        mail: subject('Feedback from Xena Far', 'ann@example.com'),
      });
      expect(after).toEqual({ x1: 'Send the agenda earlier' });
      expect(await mails(subject('Private feedback for Ann Early from Xena Far', 'maria@example.com'))).toHaveLength(1);
    });

    it('records one answer for the same post sent several times at once', async () => {
      await postedAtOnce(await answerLink('bob@example.com'), { kind: 'praise', text: 'Great launch' });
      expect(await answers()).toEqual({ x1: 'Send the agenda earlier', e2: 'Great launch' });
      expect(await mails(subject('Bob Prompt recognised your work', 'ann@example.com'))).toHaveLength(1);
      expect(await mails(subject('Recognition: Bob Prompt recognised Ann Early', 'maria@example.com'))).toHaveLength(1);
    });
  });

  describe('the self-assessment', () => {
    const SELF = { action: 'submit', overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'Pricing' };
    const stored = async (employeeId: string) => {
      const [assessment, versions, progress] = await Promise.all([
        getAssessment(cycleId, employeeId),
        listAnswerVersions(cycleId, 'self', employeeId),
        listDepartmentProgress(cycleId),
      ]);
      return {
        version: assessment!.selfVersion,
        versions: versions.length,
        audit: await audits('self-assessment-submitted', employeeId),
        edits: await audits('self-assessment-edited', employeeId),
        submitted: addProgress(progress).selfSubmitted,
      };
    };

    beforeAll(async () => {
      const launched = await hr(stack, 'POST', '/cycles', {
        name: CYCLE,
        selfDue: dateAfter(stack.clock.now(), 7),
        managerDue: dateAfter(stack.clock.now(), 14),
      });
      expect(launched.status, JSON.stringify(launched.body)).toBe(201);
      cycleId = launched.body.cycleId;
      selfDue = Date.parse(launched.body.selfDue);
      managerDue = Date.parse(launched.body.managerDue);
      await stack.settled();
      for (const mail of await mails((m) => m.subject === `${CYCLE}: your self-assessment is open`))
        selfLinks[mail.to.split('@')[0]] = linkIn(mail, '/forms/self');
      expect(Object.keys(selfLinks).sort()).toEqual(['ann', 'bob', 'cid', 'maria', 'max', 'xena']);
    }, 120_000);

    it('keeps the phase in a small item of its own and on each department\u2019s counter, from the launch on', async () => {
      expect(await phases()).toEqual({
        item: 'SELF_REVIEW',
        cycle: 'SELF_REVIEW',
        kept: 'SELF_REVIEW',
        onCounters: 'SELF_REVIEW',
        carried: true,
        counters: ['SELF_REVIEW'],
      });
    });

    it('checks the phase of a first submission on its department\u2019s counter, the write it makes anyway', async () => {
      // As if the phase had ended for the counter alone: the submission is refused, and nothing of it is stored.
      const counter = keys.progress(cycleId, 'Sales');
      const setCounterPhase = (phase: string) =>
        db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: counter,
            UpdateExpression: 'SET phase = :phase',
            ExpressionAttributeValues: { ':phase': phase },
          }),
        );
      const before = await stored('e3');
      await setCounterPhase('CALIBRATION');
      try {
        // The cycle item still says the phase is open, so the form tells Cid to post again; nothing was saved.
        const refused = await postForm(selfLinks.cid, await openForm(selfLinks.cid), SELF);
        expect(refused.status).toBe(409);
        expect(await stored('e3')).toEqual(before);
        expect(before.versions).toBe(0);
      } finally {
        await setCounterPhase('SELF_REVIEW');
      }
    });

    it('saves a draft posted twice once', async () => {
      const { after } = await postedTwice({
        link: selfLinks.ann,
        answers: { ...SELF, action: 'draft', wentWell: 'Half written' },
        stored: async () => (await getDraft(cycleId, 'self', 'e1', 0))?.savedAt ?? null,
        notice: 'Your draft is saved. It is not submitted yet: come back to it with the link in your email.',
      });
      expect(after).toEqual(expect.any(String));
    });

    it('submits once for the same post twice: one version, one audit event, counted once', async () => {
      const { after } = await postedTwice({
        link: selfLinks.ann,
        answers: SELF,
        stored: () => stored('e1'),
        notice: 'Thank you: your self-assessment is submitted.',
        repeatNotice: 'Your self-assessment was already saved from this page; it was recorded once.',
      });
      expect(after).toEqual({ version: 1, versions: 1, audit: 1, edits: 0, submitted: 1 });
      // The draft typed before is stale once the version it was typed on is replaced: the page no longer offers it.
      expect(await getDraft(cycleId, 'self', 'e1', 1)).toBeUndefined();
      const page = await (await fetch(selfLinks.ann)).text();
      expect(page).not.toContain('Half written');
      expect(page).not.toContain('Draft saved on');
    });

    it('takes a change from a freshly opened page as a new submission', async () => {
      const edited = await postForm(selfLinks.ann, await openForm(selfLinks.ann), {
        ...SELF,
        wentWell: 'Shipped, and more',
      });
      expectOutcomePage(edited, 'Your changes are submitted: this version is the one your manager reads.');
      expect(await stored('e1')).toEqual({ version: 2, versions: 2, audit: 1, edits: 1, submitted: 1 });
    });

    it('submits once for the same post sent several times at once', async () => {
      await postedAtOnce(selfLinks.bob, { ...SELF, wentWell: 'BOB-SELF-ANSWER' });
      expect(await stored('e2')).toEqual({ version: 1, versions: 1, audit: 1, edits: 0, submitted: 2 });
    });

    it('records for the link\u2019s owner only, whatever employee id the post names', async () => {
      const posted = await postForm(selfLinks.cid, await openForm(selfLinks.cid), {
        ...SELF,
        wentWell: 'CID-SELF-ANSWER',
        employeeId: 'e2',
      });
      expectOutcomePage(posted, 'Thank you: your self-assessment is submitted.');
      expect(JSON.stringify(await selfAnswersOf('e2'))).toContain('BOB-SELF-ANSWER');
      expect(JSON.stringify(await selfAnswersOf('e3'))).toContain('CID-SELF-ANSWER');
      expectNoneOf(posted.html, ['Bob Prompt', 'BOB-SELF-ANSWER']);
      const xena = await postForm(selfLinks.xena, await openForm(selfLinks.xena), {
        ...SELF,
        wentWell: 'XENA-SELF-ANSWER',
      });
      expect(xena.status).toBe(303);
    });

    it('takes a submit from the page a draft was saved from (Save draft, then Back, then Submit)', async () => {
      const page = await openForm(selfLinks.max);
      const drafted = await postForm(selfLinks.max, page, { ...SELF, action: 'draft', wentWell: 'Half' });
      expectOutcomePage(
        drafted,
        'Your draft is saved. It is not submitted yet: come back to it with the link in your email.',
      );
      const submitted = await postForm(selfLinks.max, page, { ...SELF, wentWell: 'All of it' });
      expectOutcomePage(submitted, 'Thank you: your self-assessment is submitted.');
      const stored = (await getAssessment(cycleId, 'm2'))!;
      expect(stored.selfStatus).toBe('SUBMITTED');
      expect(JSON.stringify(await selfAnswersOf('m2'))).toContain('All of it');
      // A changed answer from that same, already submitted page is not taken for a repeat and dropped:
      // it comes back with what was typed, to be sent from the current version.
      const changed = await postForm(selfLinks.max, page, { ...SELF, wentWell: 'Changed from the old page' });
      expect(changed.status).toBe(409);
      expect(changed.html).toContain('Changed from the old page');
      expect(changed.html).toContain(
        'Your self-assessment changed after this page was opened (from another window, or an earlier post from this page)',
      );
      expect(JSON.stringify(await selfAnswersOf('m2'))).toContain('All of it');
    });

    it('answers the same post again after the deadline as recorded, and another post from that page as closed', async () => {
      const hidden = await openForm(selfLinks.maria);
      const answers = { ...SELF, wentWell: 'MARIA-SELF-ANSWER' };
      expectOutcomePage(
        await postForm(selfLinks.maria, hidden, answers),
        'Thank you: your self-assessment is submitted.',
      );
      await moveTo(selfDue + HOUR / 2);
      const repeated = await postForm(selfLinks.maria, hidden, answers);
      expectOutcomePage(repeated, 'Your self-assessment was already saved from this page; it was recorded once.');
      const changed = await postForm(selfLinks.maria, hidden, { ...answers, wentWell: 'Changed after the deadline' });
      expect(changed.status).toBe(409);
      expect(changed.html).toContain('no longer accepts self-assessments');
      expect(await stored('m1')).toEqual({ version: 1, versions: 1, audit: 1, edits: 0, submitted: 6 });
    });
  });

  describe('the manager\u2019s review', () => {
    const REVIEW = {
      action: 'submit',
      rating: '3',
      strengths: 'Ships',
      areasToImprove: 'Estimates',
      comments: 'Good quarter',
    };
    const stored = async (employeeId: string) => {
      const [assessment, versions, progress] = await Promise.all([
        getAssessment(cycleId, employeeId),
        listAnswerVersions(cycleId, 'review', employeeId),
        listDepartmentProgress(cycleId),
      ]);
      return {
        version: assessment!.reviewVersion,
        versions: versions.length,
        audit: await audits('manager-review-submitted', employeeId),
        submitted: addProgress(progress).reviewSubmitted,
      };
    };

    beforeAll(async () => {
      await moveTo(selfDue + HOUR);
      const request = (
        await mails(
          (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
        )
      )[0];
      teamLink = linkIn(request, '/forms/team');
    }, 120_000);

    it('moved the phase item with the cycle, and checks the cycle item for a cycle launched before it was kept', async () => {
      expect(await phases()).toEqual({
        item: 'MANAGER_REVIEW',
        cycle: 'MANAGER_REVIEW',
        kept: 'MANAGER_REVIEW',
        onCounters: 'MANAGER_REVIEW',
        carried: true,
        counters: ['MANAGER_REVIEW'],
      });
      // The reviews below are taken as in such a cycle, until its next move of phase keeps the item again.
      await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.cyclePhase(cycleId) }));
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.cycle(cycleId),
          UpdateExpression: 'REMOVE phaseKept, phaseOnCounters, countersCarryPhase',
        }),
      );
      expect(await phases()).toMatchObject({ item: null, cycle: 'MANAGER_REVIEW', kept: false, onCounters: false });
    });

    it('saves a draft posted twice once', async () => {
      await postedTwice({
        link: reportLink(teamLink, 'e1'),
        answers: { ...REVIEW, action: 'draft', employeeId: 'e1' },
        stored: async () => (await getDraft(cycleId, 'review', 'e1', 0))?.savedAt ?? null,
        notice: 'Your draft is saved. It is not submitted yet.',
      });
    });

    it('submits once for the same post twice: one version, one audit event, counted once', async () => {
      const { after } = await postedTwice({
        link: reportLink(teamLink, 'e1'),
        answers: {
          ...REVIEW,
          proposedGoal1Title: 'Lead pricing for Ann',
          proposedGoal1Due: dateAfter(stack.clock.now(), 60),
          employeeId: 'e1',
        },
        stored: () => stored('e1'),
        notice: 'Your review is submitted. You can still change it until the review phase ends.',
        repeatNotice: 'That review was already saved from this page; it was recorded once.',
      });
      expect(after).toEqual({ version: 1, versions: 1, audit: 1, submitted: 1 });
    });

    it('keeps the texts in the versions only: the assessment holds the ratings, and the pages still show the texts', async () => {
      // Every later write of the assessment (the release, the acknowledgement) and of its index copies is priced by its size.
      const assessment = (await getAssessment(cycleId, 'e1'))!;
      expect(assessment).not.toHaveProperty('selfAnswers');
      expect(assessment.review).toMatchObject({ rating: 3, proposedGoals: [{ title: 'Lead pricing for Ann' }] });
      expect(Object.keys(assessment.review!)).not.toEqual(expect.arrayContaining(['strengths']));
      expect(JSON.stringify(assessment)).not.toContain('Good quarter');
      const [review] = await listAnswerVersions<StoredReview>(cycleId, 'review', 'e1');
      expect(review.answers).toMatchObject({
        strengths: 'Ships',
        areasToImprove: 'Estimates',
        comments: 'Good quarter',
      });
      const page = await (await fetch(reportLink(teamLink, 'e1'))).text();
      expect(page).toContain('Good quarter');
      expect(page).toContain((await selfAnswersOf('e1'))!.answers.wentWell);
    });

    it('submits once for the same post sent several times at once', async () => {
      const proposal = {
        proposedGoal1Title: 'Lead pricing for Bob',
        proposedGoal1Due: dateAfter(stack.clock.now(), 60),
      };
      await postedAtOnce(reportLink(teamLink, 'e2'), { ...REVIEW, ...proposal, employeeId: 'e2' });
      expect(await stored('e2')).toEqual({ version: 1, versions: 1, audit: 1, submitted: 2 });
      const cid = await postForm(reportLink(teamLink, 'e3'), await openForm(reportLink(teamLink, 'e3')), {
        ...REVIEW,
        proposedGoal1Title: 'Lead pricing for Cid',
        proposedGoal1Due: dateAfter(stack.clock.now(), 60),
        employeeId: 'e3',
      });
      expect(cid.status).toBe(303);
    });

    it('shows and saves nothing about someone outside the team, by query or by post', async () => {
      const before = await getAssessment(cycleId, 'x1');
      const shown = await fetch(reportLink(teamLink, 'x1'));
      const shownHtml = await shown.text();
      expect(shown.status).toBe(403);
      expect(shownHtml).toContain('That person is not in your team for this review cycle');
      expectNoneOf(shownHtml, XENA);
      const posted = await postForm(reportLink(teamLink, 'e1'), await openForm(reportLink(teamLink, 'e1')), {
        ...REVIEW,
        employeeId: 'x1',
      });
      expect(posted.status).toBe(403);
      expectNoneOf(posted.html, XENA);
      const drafted = await postForm(reportLink(teamLink, 'e1'), await openForm(reportLink(teamLink, 'e1')), {
        ...REVIEW,
        action: 'draft',
        employeeId: 'x1',
      });
      expect(drafted.status).toBe(403);
      expectNoneOf(drafted.html, XENA);
      expect(await getAssessment(cycleId, 'x1')).toEqual(before);
      expect(await getDraft(cycleId, 'review', 'x1', 0)).toBeUndefined();
    });
  });

  describe('after the release', () => {
    const acknowledged = async (employeeId: string) => {
      const assessment = (await getAssessment(cycleId, employeeId))!;
      return {
        at: assessment.acknowledgedAt ?? null,
        audit: await audits('results-acknowledged', employeeId),
        goals: (await listGoals(employeeId)).map((goal) => goal.title),
      };
    };

    beforeAll(async () => {
      await moveTo(managerDue + 3 * DAY);
      for (const mail of await mails((m) => m.subject === `${CYCLE}: your review result`)) {
        if (mail.html.includes('/forms/results')) resultLinks[mail.to.split('@')[0]] = linkIn(mail, '/forms/results');
      }
      expect(Object.keys(resultLinks).sort()).toEqual(['ann', 'bob', 'cid']);
    }, 120_000);

    it('kept the phase item again from the next move of phase on', async () => {
      expect(await phases()).toEqual({
        item: 'CLOSED',
        cycle: 'CLOSED',
        kept: 'CLOSED',
        onCounters: 'CLOSED',
        // Launched before its counters carried the phase: they do now, but its answers go on checking the phase item.
        carried: false,
        counters: ['CLOSED'],
      });
    });

    it('records an acknowledgement posted twice once, and tells the manager and HR once', async () => {
      const { after } = await postedTwice({
        link: resultLinks.ann,
        answers: { comment: 'Thanks' },
        stored: () => acknowledged('e1'),
        notice: 'Thank you: your acknowledgement was sent to your manager and HR.',
        repeatNotice: 'Your acknowledgement was already saved from this page; it was recorded once.',
        mail: subject(`${CYCLE}: Ann Early acknowledged their appraisal`, 'maria@example.com'),
      });
      expect(after).toMatchObject({ at: expect.any(String), audit: 1 });
      expect(await mails(subject(`${CYCLE}: Ann Early acknowledged their appraisal`, 'hr@example.com'))).toHaveLength(
        1,
      );
    });

    it('records one acknowledgement, and adds the accepted goals once, for the same post sent several times at once', async () => {
      await postedAtOnce(resultLinks.bob, { comment: '', acceptGoals: 'yes' });
      expect(await acknowledged('e2')).toEqual({ at: expect.any(String), audit: 1, goals: ['Lead pricing for Bob'] });
      expect(await audits('proposed-goals-created', 'e2')).toBe(1);
      expect(await mails(subject('New goal: Lead pricing for Bob', 'bob@example.com'))).toHaveLength(1);
      expect(
        await mails(subject(`${CYCLE}: Bob Prompt acknowledged their appraisal`, 'maria@example.com')),
      ).toHaveLength(1);
      // Without a comment or a disagreement, HR is not emailed: the console and the report show it.
      expect(await mails(subject(`${CYCLE}: Bob Prompt acknowledged their appraisal`, 'hr@example.com'))).toEqual([]);
    });

    it('makes the proposed goals goals once when the manager confirms the same post twice', async () => {
      const goals = async (employeeId: string) => ({
        goals: (await listGoals(employeeId)).map((goal) => goal.title).sort(),
        audit: await audits('proposed-goals-created', employeeId),
      });
      const { after } = await postedTwice({
        link: reportLink(teamLink, 'e3'),
        answers: { action: 'confirm-goals', employeeId: 'e3' },
        stored: () => goals('e3'),
        notice: 'The proposed goals are now goals; the employee was emailed about each.',
        repeatNotice: 'There were no proposed goals left to confirm; nothing was changed.',
        mail: subject('New goal: Lead pricing for Cid', 'cid@example.com'),
      });
      expect(after).toEqual({ goals: ['Lead pricing for Cid'], audit: 1 });
      // Ann did not accept hers: her manager confirms them, the same post several times at once.
      await postedAtOnce(reportLink(teamLink, 'e1'), { action: 'confirm-goals', employeeId: 'e1' });
      expect(await goals('e1')).toEqual({ goals: ['Close deals', 'Lead pricing for Ann', 'Ship pricing'], audit: 1 });
      expect(await mails(subject('New goal: Lead pricing for Ann', 'ann@example.com'))).toHaveLength(1);
    });

    it('acknowledges for the link\u2019s owner only, whatever employee id the post names', async () => {
      const before = await getAssessment(cycleId, 'e2');
      const posted = await postForm(resultLinks.cid, await openForm(resultLinks.cid), {
        comment: 'Noted',
        employeeId: 'e2',
      });
      expectOutcomePage(posted, 'Thank you: your acknowledgement was sent to your manager and HR.');
      expect((await getAssessment(cycleId, 'e3'))!.acknowledgement).toMatchObject({ comment: 'Noted' });
      expect(await getAssessment(cycleId, 'e2')).toEqual(before);
      expectNoneOf(posted.html, ['Bob Prompt', 'BOB-SELF-ANSWER', 'Lead pricing for Bob']);
    });
  });
});
