import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeadline } from '../../functions/domain/time.ts';
import { listPeerCounts, listPeerReviews } from '../../functions/store/peers.ts';
import {
  auditOf,
  cli,
  DAY,
  dateAfter,
  expectChangesNothing,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  restartStack,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Peer reviews on the local stack (issue 14): HR assigns colleagues to review a participant while the
 * self-assessment phase is open; each gets an email naming the person with a link to that one review, answers
 * once per page (a replay applies once) and can change the answers until the person's self deadline.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Quiet,cid@example.com,m1,Sales
e4,Dee Ready,dee@example.com,m1,Sales
e5,Eve Spare,eve@example.com,m1,Sales
e6,Fay Extra,fay@example.com,m1,Sales
x1,Xena Far,xena@example.com,,Ops
x2,Yuri Gone,yuri@example.com,,Ops
`;
const PARTICIPANTS = ['m1', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'];

describe('peer reviews', () => {
  const dir = tempDir('perfcycle-peers-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDue: number;
  let annSelfLink: string;
  /** A second cycle of the same people, launched once the settings name peer reviewers to the employee. */
  let namedCycleId: string;
  let teamLinks: Mail[] = [];
  /** Dee's self-assessment link in the named cycle, where she nominates peers. */
  let deeSelfLink: string;
  let seen = 0;
  const links = new Map<string, string>();
  const newMail = async (): Promise<Mail[]> => {
    const all = await mailbox(stack);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const assign = (employee: string, reviewers: string) =>
    cli(stack, dir.path, 'cycle', 'peers', cycleId, '--employee', employee, '--reviewers', reviewers, '--json');

  /** Everything an assignment could have changed: the peer items, the counters, the audit and the mailbox. */
  async function snapshot() {
    await stack.settled();
    const peers = (await Promise.all(PARTICIPANTS.map((id) => listPeerReviews(cycleId, id)))).flat();
    const counts = await listPeerCounts(cycleId);
    const audit = (await auditOf(stack, cycleId)).length;
    const mail = (await mailbox(stack)).map((m) => `${m.to}|${m.subject}`);
    return { peers, counts, audit, mail };
  }

  /** Runs refused requests and checks nothing moved; the mailbox is emptied first (expectChangesNothing). */
  const changesNothing = async (bad: () => Promise<void>) => {
    await expectChangesNothing(stack, snapshot, bad);
    seen = 0;
  };

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    expect((await hr(stack, 'POST', '/employees/x2/deactivate')).status).toBe(200);
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Sales Q4',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      department: 'Sales',
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    cycleId = launched.body.cycleId;
    selfDue = Date.parse(launched.body.selfDue);
    await stack.settled();
    annSelfLink = linkIn((await newMail()).find((mail) => mail.to === 'ann@example.com')!, '/forms/self');
    expect((await hr(stack, 'PATCH', '/settings', { peerFeedback: 'named' })).status).toBe(200);
    const named = await hr(stack, 'POST', '/cycles', {
      name: 'Sales named',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      department: 'Sales',
      allowOverlap: true,
    });
    expect(named.status, JSON.stringify(named.body)).toBe(201);
    namedCycleId = named.body.cycleId;
    await stack.settled();
    deeSelfLink = linkIn(
      (await newMail()).find((mail) => mail.to === 'dee@example.com' && mail.subject.startsWith('Sales named'))!,
      '/forms/self',
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('HR assigns three peers; each gets one email naming the person, with the deadline and a link to that review', async () => {
    const assigned = await assign('e1', 'e2,e3,x1');
    expect(assigned.code, assigned.err).toBe(0);
    expect(JSON.parse(assigned.out)).toEqual({
      cycleId,
      employeeId: 'e1',
      assigned: ['e2', 'e3', 'x1'],
      alreadyAssigned: [],
      reviewers: ['e2', 'e3', 'x1'],
    });
    const mails = await newMail();
    expect(mails.map((mail) => mail.to).sort()).toEqual(['bob@example.com', 'cid@example.com', 'xena@example.com']);
    const due = formatDeadline(selfDue, 'UTC');
    for (const mail of mails) {
      expect(mail.subject).toBe('Sales Q4: please give peer feedback on Ann Early');
      expect(mail.text).toContain(`HR asks you for a short peer review of Ann Early, by ${due}.`);
      expect(mail.text).toContain('reads them without your name');
      const link = linkIn(mail, '/forms/peer');
      links.set(mail.to, link);
      const page = await (await fetch(link)).text();
      expect(page).toContain('<h1>Peer review of Ann Early</h1>');
      expect(page).toContain(due);
      expect(page).toContain('What does this person do well when working with you?');
    }
    const [event] = (await auditOf(stack, cycleId)).filter((entry) => entry.action === 'peers-assigned');
    expect(event).toMatchObject({ actor: 'hr:local-hr', employeeId: 'e1', details: { reviewers: 'e2,e3,x1' } });
  });

  it('a repeated assignment changes nothing and says who was already assigned', async () => {
    await changesNothing(async () => {
      const again = await assign('e1', 'e3,e2');
      expect(again.code, again.err).toBe(0);
      expect(JSON.parse(again.out)).toMatchObject({ assigned: [], alreadyAssigned: ['e3', 'e2'] });
    });
  });

  it('refuses bad assignments with the problem named, and stores and sends nothing', async () => {
    await changesNothing(async () => {
      const cases: [unknown, number, string][] = [
        [{ employeeId: 'e2', reviewers: ['e2'] }, 400, 'e2 cannot review themself'],
        [{ employeeId: 'e2', reviewers: ['e1', 'e3', 'e4', 'e5', 'e6', 'm1'] }, 400, 'at most 5 reviewers per person'],
        // Three already review e1: three more make six.
        [{ employeeId: 'e1', reviewers: ['e4', 'e5', 'e6'] }, 400, 'e1 would have 6 (3 already assigned)'],
        [{ employeeId: 'e2', reviewers: ['ghost'] }, 400, 'no employee ghost in the directory'],
        [{ employeeId: 'e2', reviewers: ['x2'] }, 400, 'x2 (Yuri Gone) is deactivated'],
        [{ employeeId: 'x1', reviewers: ['e2'] }, 400, `x1 does not take part in cycle ${cycleId}`],
        [{ employeeId: 'e2', reviewers: [] }, 400, 'name at least one reviewer'],
        [{ employeeId: 'e2', reviewers: 'e3' }, 400, 'reviewers must be a list of employee ids'],
        [{ employeeId: 'e2', reviewers: ['e3'], extra: 1 }, 400, 'Unrecognized key'],
        ['{not json', 400, 'JSON'],
      ];
      for (const [body, status, message] of cases) {
        const response = await hr(stack, 'POST', `/cycles/${cycleId}/peers`, body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        expect([response.body.error, ...response.body.details].join(' '), JSON.stringify(body)).toContain(message);
      }
      const unknownCycle = await hr(stack, 'POST', '/cycles/cyc_00000000000000ff/peers', {
        employeeId: 'e2',
        reviewers: ['e3'],
      });
      expect(unknownCycle.status).toBe(404);
      const viaCli = await assign('e2', 'e2');
      expect(viaCli.code).toBe(1);
      expect(viaCli.err).toContain('e2 cannot review themself');
    });
  });

  it('a reviewer answers once per page: a double post applies once, a refresh re-sends nothing', async () => {
    const link = links.get('bob@example.com')!;
    const hidden = await openForm(link);
    const missing = await postForm(link, hidden, { doesWell: 'Clear plans', doDifferently: ' ', rating: '' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('What could they do differently to make working together better? is required');
    expect(missing.html).toContain('Clear plans</textarea>');
    const offScale = await postForm(link, hidden, { doesWell: 'a', doDifferently: 'b', rating: '9' });
    expect(offScale.html).toContain('Rating: choose one of 1, 2, 3, 4, 5, or no rating');
    const answers = { doesWell: 'Explains the plan clearly', doDifferently: 'Share drafts earlier', rating: '4' };
    const first = await postForm(link, hidden, answers);
    expect(first.status).toBe(303);
    expect(first.html).toContain('Thank you: your peer review is submitted.');
    expect(first.html).toContain('Explains the plan clearly');
    const replay = await postForm(link, hidden, answers);
    expect(replay.status).toBe(303);
    expect(replay.html).toContain('it was recorded once');
    // The page after the redirect is a GET: loading it again changes nothing.
    expect((await fetch(first.location!)).status).toBe(200);
    const [bob] = (await listPeerReviews(cycleId, 'e1')).filter((review) => review.reviewerId === 'e2');
    expect(bob).toMatchObject({ status: 'SUBMITTED', rating: 4, answers: { doesWell: 'Explains the plan clearly' } });
    expect(await listPeerCounts(cycleId)).toEqual([
      { managerKey: 'm1', managerName: 'Maria Manager', department: 'Sales', asked: 3, answered: 1 },
    ]);
  });

  it('a reviewer can change their answers until the deadline, without counting twice', async () => {
    const link = links.get('cid@example.com')!;
    const answers = { doesWell: 'Calm under pressure', doDifferently: 'Speak up in meetings', rating: '' };
    expect((await postForm(link, await openForm(link), answers)).status).toBe(303);
    const edited = await postForm(link, await openForm(link), { ...answers, doDifferently: 'Ask for help sooner' });
    expect(edited.status).toBe(303);
    expect(edited.html).toContain('Your changes are submitted');
    expect(edited.html).toContain('Ask for help sooner');
    expect(edited.html).toContain('No rating');
    const [cid] = (await listPeerReviews(cycleId, 'e1')).filter((review) => review.reviewerId === 'e3');
    expect(cid.answers).toEqual({ doesWell: 'Calm under pressure', doDifferently: 'Ask for help sooner' });
    expect(cid.rating).toBeUndefined();
    expect(await listPeerCounts(cycleId)).toEqual([
      { managerKey: 'm1', managerName: 'Maria Manager', department: 'Sales', asked: 3, answered: 2 },
    ]);
  });

  it('a peer link opens only its own review: not another form, not when changed', async () => {
    const link = links.get('xena@example.com')!;
    const token = new URL(link).searchParams.get('t')!;
    const asSelf = new URL(link);
    asSelf.pathname = '/forms/self';
    expect((await fetch(asSelf)).status).toBe(403);
    const tampered = new URL(link);
    tampered.searchParams.set('t', `${token.slice(0, -2)}xx`);
    expect((await fetch(tampered)).status).toBe(403);
    // Ann's own self-assessment link does not open a peer review.
    const selfLink = new URL(link);
    selfLink.pathname = '/forms/peer';
    selfLink.searchParams.set('t', new URL(annSelfLink).searchParams.get('t')!);
    expect((await fetch(selfLink)).status).toBe(403);
  });

  it('in a cycle launched with named peer feedback, reviewers are told the person reads their name', async () => {
    const assigned = await hr(stack, 'POST', `/cycles/${namedCycleId}/peers`, {
      employeeId: 'e1',
      reviewers: ['e2', 'e3'],
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    for (const mail of await newMail()) {
      expect(mail.text).toContain('Ann Early reads them with your name once results are released.');
      const link = linkIn(mail, '/forms/peer');
      const answers = { doesWell: `Named from ${mail.to}`, doDifferently: 'More demos', rating: '3' };
      expect((await postForm(link, await openForm(link), answers)).status).toBe(303);
    }
  });

  it('a participant nominates peers from their self-assessment page; the manager approves with one click', async () => {
    const selfPage = await (await fetch(deeSelfLink)).text();
    const href = /<a href="([^"]*\/forms\/peer-nominations\?t=[^"]+)">Ask colleagues for a peer review<\/a>/.exec(
      selfPage,
    )![1];
    const nominations = new URL(href.replaceAll('&amp;', '&'), deeSelfLink).toString();
    const page = await (await fetch(nominations)).text();
    expect(page).toContain('<h1>Ask colleagues for a peer review</h1>');
    expect(page).toContain('No colleague has been asked for a peer review of you yet.');
    const hidden = await openForm(nominations);
    await changesNothing(async () => {
      for (const [colleagues, message] of [
        ['ghost@example.com', 'Nobody in the directory has the address ghost@example.com'],
        ['dee@example.com', 'e4 cannot review themself'],
        ['yuri@example.com', 'x2 (Yuri Gone) is deactivated'],
        ['not-an-email', 'Not an email address: not-an-email'],
        ['', 'Enter at least one colleague\u2019s email address'],
      ]) {
        const refused = await postForm(nominations, hidden, { colleagues });
        expect(refused.status, colleagues).toBe(400);
        expect(refused.html, colleagues).toContain(message);
      }
    });
    const sent = await postForm(nominations, hidden, { colleagues: 'ann@example.com, Bob@Example.com' });
    expect(sent.status).toBe(303);
    expect(sent.html).toContain('Sent: your manager was emailed to approve these colleagues.');
    const replay = await postForm(nominations, hidden, { colleagues: 'ann@example.com, Bob@Example.com' });
    expect(replay.html).toContain('it was sent once');
    const [asked, ...more] = await newMail();
    expect(more).toEqual([]);
    expect(asked.to).toBe('maria@example.com');
    expect(asked.subject).toBe('Sales named: Dee Ready asks you to approve peer reviewers');
    expect(asked.text).toContain('Ann Early (e1)');
    expect(asked.text).toContain('Bob Prompt (e2)');
    const approval = linkIn(asked, '/forms/peer-approval');
    // Opening the page (as a mail scanner would) assigns nobody.
    const approvalPage = await (await fetch(approval)).text();
    expect(approvalPage).toContain('<h1>Peer reviewers of Dee Ready</h1>');
    expect(await listPeerReviews(namedCycleId, 'e4')).toEqual([]);
    // The approval link opens no other form.
    const asPeer = new URL(approval);
    asPeer.pathname = '/forms/peer';
    expect((await fetch(asPeer)).status).toBe(403);
    const hiddenApproval = await openForm(approval);
    const approved = await postForm(approval, hiddenApproval, {});
    expect(approved.status).toBe(303);
    expect(approved.html).toContain('Approved: each colleague was emailed a link to the peer review.');
    const invited = await newMail();
    expect(
      invited.every((mail) =>
        mail.text.includes('Dee Ready asks you for a short peer review, and Maria Manager approved the request.'),
      ),
    ).toBe(true);
    expect(invited.map((mail) => [mail.to, mail.subject]).sort()).toEqual([
      ['ann@example.com', 'Sales named: please give peer feedback on Dee Ready'],
      ['bob@example.com', 'Sales named: please give peer feedback on Dee Ready'],
    ]);
    const again = await postForm(approval, hiddenApproval, {});
    expect(again.html).toContain('You approved these peer reviewers of Dee Ready');
    expect(await newMail()).toEqual([]);
    const [event] = (await auditOf(stack, namedCycleId)).filter(
      (entry) => entry.action === 'peers-assigned' && entry.employeeId === 'e4',
    );
    expect(event).toMatchObject({ actor: 'manager:m1', details: { reviewers: 'e1,e2' } });
    expect((await fetch(nominations)).status).toBe(200);
    const after = await (await fetch(nominations)).text();
    expect(after).toContain('2 colleagues have been asked for a peer review of you so far.');
    expect(after).not.toContain('Bob');
  });

  it('closes at the self deadline: no more answers, no more assignments, a page saying so', async () => {
    const xena = links.get('xena@example.com')!;
    const openedBefore = await openForm(xena);
    await stack.advance(selfDue + HOUR - stack.clock.now());
    await stack.settled();
    const meanwhile = await newMail();
    teamLinks = meanwhile.filter((mail) => mail.to === 'maria@example.com');
    // Of Ann's reviewers Xena alone had not answered when the reminders went, three days before the deadline, and
    // Dee's had not started; nobody escalates.
    const due = formatDeadline(selfDue, 'UTC');
    expect(
      meanwhile
        .filter((mail) => /peer review/.test(mail.subject))
        .map((mail) => `${mail.to}|${mail.subject}`)
        .sort(),
    ).toEqual([
      `ann@example.com|Reminder: your peer review of Dee Ready is due ${due}`,
      `bob@example.com|Reminder: your peer review of Dee Ready is due ${due}`,
      `xena@example.com|Reminder: your peer review of Ann Early is due ${due}`,
    ]);
    const page = await fetch(xena);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('is now closed: it no longer takes answers');
    const late = await postForm(xena, openedBefore, { doesWell: 'Late', doDifferently: 'Late', rating: '' });
    expect(late.status).toBe(409);
    expect(late.html).toContain('is now closed');
    expect((await listPeerReviews(cycleId, 'e1')).find((review) => review.reviewerId === 'x1')!.status).toBe('PENDING');
    const bob = await (await fetch(links.get('bob@example.com')!)).text();
    expect(bob).toContain('can no longer be changed');
    expect(bob).toContain('Explains the plan clearly');
    await changesNothing(async () => {
      const closed = await hr(stack, 'POST', `/cycles/${cycleId}/peers`, { employeeId: 'e2', reviewers: ['e3'] });
      expect(closed.status).toBe(409);
      expect(closed.body.error).toContain(
        'peer reviewers can be assigned only while the self-assessment phase is open',
      );
    });
  });

  /** The manager's team link of a cycle, from the request that opened the manager phase. */
  const teamLinkOf = (cycleName: string) =>
    linkIn(teamLinks.find((mail) => mail.subject.startsWith(`${cycleName}: please review your team`))!, '/forms/team');

  it('HR\u2019s status and report show 3 asked and 2 answered, overall, per department and per manager, from the counters', async () => {
    const completion = {
      asked: 3,
      answered: 2,
      completion: 66.7,
      byDepartment: [{ department: 'Sales', asked: 3, answered: 2, completion: 66.7 }],
      byManager: [{ managerKey: 'm1', managerName: 'Maria Manager', asked: 3, answered: 2, completion: 66.7 }],
    };
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.peerReviews).toEqual(completion);
    expect((await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body.peerReviews).toEqual(completion);
    const status = await cli(stack, dir.path, 'cycle', 'status', cycleId);
    expect(status.out).toContain('peer reviews: 2 of 3 answered (66.7%)');
    expect(status.out).toContain('  Sales: 2 of 3 peer reviews answered (66.7%)');
    const report = await cli(stack, dir.path, 'cycle', 'report', cycleId);
    expect(status.out).toContain('  manager Maria Manager (m1): 2 of 3 peer reviews answered (66.7%)');
    expect(report.out).toContain(
      'peer reviews: 2 of 3 answered (66.7%); Sales 66.7%; by manager: manager Maria Manager (m1) 66.7%',
    );
    // Each cycle counts its own.
    expect((await hr(stack, 'GET', `/cycles/${namedCycleId}`)).body.peerReviews).toMatchObject({
      asked: 4,
      answered: 2,
    });
  });

  it('a restart loses nothing: the reviews, their answers and the counts are all read back', async () => {
    const before = await snapshot();
    stack = await restartStack(stack, join(dir.path, 'data'));
    // The restarted stack has a mailbox of its own.
    seen = 0;
    const after = await snapshot();
    // (The restart itself is audited: the workflow resumes.)
    expect({ peers: after.peers, counts: after.counts }).toEqual({ peers: before.peers, counts: before.counts });
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.peerReviews).toMatchObject({ asked: 3, answered: 2 });
  });

  it('the manager reads both answers on the report\u2019s page, with the reviewers\u2019 names; nobody else does', async () => {
    const ann = await (await fetch(reportLink(teamLinkOf('Sales Q4'), 'e1'))).text();
    expect(ann).toContain('<h2 id="peer-answers">Peer reviews</h2>');
    expect(ann).toContain('<h3>From Bob Prompt</h3>');
    expect(ann).toContain('Explains the plan clearly');
    expect(ann).toContain('<h3>From Cid Quiet</h3>');
    expect(ann).toContain('Ask for help sooner');
    expect(ann).toContain('Ann Early reads them once results are released, without the reviewers\u2019 names.');
    // Xena never answered; Bob's own page holds nothing of Ann's reviews.
    expect(ann).not.toContain('Xena');
    const bob = await (await fetch(reportLink(teamLinkOf('Sales Q4'), 'e2'))).text();
    expect(bob).not.toContain('Explains the plan clearly');
    expect(bob).not.toContain('peer-answers');
  });

  it('after the release the employee reads the answers without names, or with them where the settings said named', async () => {
    for (const cycleName of ['Sales Q4', 'Sales named']) {
      const link = reportLink(teamLinkOf(cycleName), 'e1');
      const page = await (await fetch(link)).text();
      const answers: Record<string, string> = {
        employeeId: 'e1',
        strengths: 'Ships',
        areasToImprove: 'Docs',
        comments: 'Good quarter',
      };
      for (const input of page.matchAll(/<input[^>]*type="radio"[^>]*name="([^"]+)"/g)) answers[input[1]] = '3';
      const reviewed = await postForm(link, await openForm(link), answers);
      expect(reviewed.status, reviewed.html).toBe(303);
    }
    await stack.advance(selfDue + 14 * DAY - stack.clock.now());
    await stack.settled();
    const results = (await newMail()).filter((mail) => mail.to === 'ann@example.com');
    const resultsPage = async (cycleName: string) =>
      (
        await fetch(
          linkIn(results.find((mail) => mail.subject === `${cycleName}: your review result`)!, '/forms/results'),
        )
      ).text();
    const anonymous = await resultsPage('Sales Q4');
    expect(anonymous).toContain('<h2 id="peer-answers">Feedback from colleagues</h2>');
    expect(anonymous).toContain('Their names are not shown.');
    expect(anonymous).toContain('Explains the plan clearly');
    expect(anonymous).toContain('Ask for help sooner');
    expect(anonymous).toContain('<h3>Colleague 1</h3>');
    for (const name of ['Bob', 'Cid', 'Xena']) expect(anonymous).not.toContain(name);
    const named = await resultsPage('Sales named');
    expect(named).toContain('<h3>From Bob Prompt</h3>');
    expect(named).toContain('Named from bob@example.com');
    expect(named).toContain('<h3>From Cid Quiet</h3>');
  });
});
