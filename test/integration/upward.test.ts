import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorKey } from '../../functions/domain/anonymity.ts';
import { releaseAt } from '../../functions/domain/cycle.ts';
import { formToken, signLink } from '../../functions/domain/tokens.ts';
import { getCycle, scheduleOf } from '../../functions/store/cycles.ts';
import { listMails } from '../../functions/store/mail.ts';
import { db, tableName } from '../../functions/store/table.ts';
import {
  auditOf,
  cli,
  dateAfter,
  DAY,
  expectChangesNothing,
  hr,
  HOUR,
  linkIn,
  mailbox,
  openForm,
  postForm,
  restartStack,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Upward reviews on the local stack (issue 14): Maria's three reports all review her, two of Max's three do
 * (below the threshold of 3), with a restart in the middle. After the release Maria has the three answers and
 * the mean; Max is told too few answered, and those answers are gone. Then everything HR, the table, the mail
 * and the logs hold is searched for anything that ties an answer to its author.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
a1,Ann One,ann@example.com,m1,Sales
a2,Abe Two,abe@example.com,m1,Sales
a3,Ada Three,ada@example.com,m1,Sales
m2,Max Other,max@example.com,,Ops
b1,Ben One,ben@example.com,m2,Ops
b2,Bea Two,bea@example.com,m2,Ops
b3,Bo Three,bo@example.com,m2,Ops
s1,Sol Alone,sol@example.com,,Solo
`;
const AUTHORS = ['a1', 'a2', 'a3', 'b1', 'b2'];
const ALL_IDS = ['m1', 'a1', 'a2', 'a3', 'm2', 'b1', 'b2', 'b3', 's1'];
/** Each author's answers: words nobody else writes (and no id), so any copy of them can be found. */
const WORDS: Record<string, string> = { a1: 'amber', a2: 'birch', a3: 'cedar', b1: 'delta', b2: 'ember', b3: 'fjord' };
const answersOf = (id: string) => ({
  support: `${WORDS[id]} support zq`,
  clarity: `${WORDS[id]} clarity zq`,
  change: `${WORDS[id]} change zq`,
});
const RATINGS: Record<string, string> = { a1: '4', a2: '5', a3: '3', b1: '2', b2: '1' };
const textsOf = (id: string) => Object.values(answersOf(id));
const ALL_TEXTS = AUTHORS.flatMap(textsOf);
/** Abe's peer review of Ann, in the same cycle: named to her manager, and never part of an upward answer. */
const PEER_TEXT = 'quartz peer zq';

describe('upward reviews, anonymous by construction', () => {
  const dir = tempDir('perfcycle-upward-');
  const dataDir = join(dir.path, 'data');
  let stack: LocalStack;
  let cycleId: string;
  let secret: string;
  /** Every mail the mailbox held (it starts empty after a restart) and every log line written. */
  const received: Mail[] = [];
  const logLines: string[] = [];
  const restoreLogs: (() => void)[] = [];
  let logLevel: string | undefined;
  const links = new Map<string, string>();
  const posts = new Map<string, { hidden: Record<string, string>; answers: Record<string, string> }>();

  let seen = 0;
  const collectMail = async () => {
    const all = await mailbox(stack);
    received.push(...all.slice(seen));
    seen = all.length;
  };
  const mailTo = (to: string, subject: RegExp) =>
    received.filter((mail) => mail.to === to && subject.test(mail.subject));
  const statusOf = async () => (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
  /** A manager's team page, behind the link of the mail that opened the manager phase; and its upward section. */
  const teamPage = async (to: string) => {
    const [request] = mailTo(to, /please review your team/);
    const html = await (await fetch(linkIn(request, '/forms/team'))).text();
    const at = html.indexOf('<section aria-labelledby="upward-answers">');
    return { html, upward: at < 0 ? '' : html.slice(at, html.indexOf('</section>', at)) };
  };
  const answer = async (id: string) => {
    const link = links.get(id)!;
    const hidden = await openForm(link);
    const answers = { ...answersOf(id), upwardRating: RATINGS[id] };
    posts.set(id, { hidden, answers });
    return postForm(link, hidden, answers);
  };
  const scanTable = async (): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey }));
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  /** An item as text, with a stored mail's compressed body decompressed as the store reads it. */
  const textOfItem = (item: Record<string, unknown>) =>
    JSON.stringify(item) + (item.body instanceof Uint8Array ? brotliDecompressSync(item.body).toString('utf8') : '');

  beforeAll(async () => {
    // Every log line the handlers would write in AWS at the most verbose level, searched below.
    logLevel = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        logLines.push(...String(chunk).split('\n'));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restoreLogs.push(() => (stream.write = write));
    }
    stack = await startLocalStack({ dataDir });
    secret = readFileSync(join(dataDir, 'link-secret'), 'utf8').trim();
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    for (const restore of restoreLogs) restore();
    if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    await stack?.stop();
    dir.remove();
  });

  const snapshot = async () => ({
    mail: (await mailbox(stack)).map((mail) => `${mail.to}|${mail.subject}`),
    settings: (await hr(stack, 'GET', '/settings')).body,
    cycles: (await hr(stack, 'GET', '/cycles')).body.cycles.length,
  });

  it('refuses upward reviews where nobody has a manager, and a threshold below 3, changing nothing', async () => {
    const now = stack.clock.now();
    await expectChangesNothing(stack, snapshot, async () => {
      const solo = await hr(stack, 'POST', '/cycles', {
        name: 'Solo',
        selfDue: dateAfter(now, 7),
        managerDue: dateAfter(now, 14),
        department: 'Solo',
        upward: true,
      });
      expect(solo.status).toBe(400);
      expect(solo.body.details.join(' ')).toContain('nobody in this cycle has a manager to review');
      const threshold = await hr(stack, 'PATCH', '/settings', { anonymityThreshold: 2 });
      expect(threshold.status).toBe(400);
      expect(JSON.stringify(threshold.body)).toContain('anonymityThreshold must be a whole number of at least 3');
      const notBoolean = await hr(stack, 'POST', '/cycles', {
        name: 'Bad',
        selfDue: dateAfter(now, 7),
        managerDue: dateAfter(now, 14),
        upward: 'yes',
      });
      expect(notBoolean.status).toBe(400);
      expect(JSON.stringify(notBoolean.body)).toContain('upward must be true or false');
    });
  });

  it('launches with --upward: each report with a manager gets an invitation of its own, nobody else', async () => {
    const now = stack.clock.now();
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      'Q4 with upward',
      '--self-due',
      dateAfter(now, 7),
      '--manager-due',
      dateAfter(now, 14),
      '--upward',
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    cycleId = JSON.parse(launched.out).cycleId;
    expect(JSON.parse(launched.out).upward).toEqual({ questions: 3, threshold: 3 });
    await stack.settled();
    await collectMail();
    const invited = received.filter((mail) => mail.subject.includes('review your manager'));
    expect(invited.map((mail) => mail.to).sort()).toEqual(
      ['abe', 'ada', 'ann', 'bea', 'ben', 'bo'].map((name) => `${name}@example.com`),
    );
    for (const [id, to] of [
      ['a1', 'ann'],
      ['a2', 'abe'],
      ['a3', 'ada'],
      ['b1', 'ben'],
      ['b2', 'bea'],
      ['b3', 'bo'],
    ]) {
      const [mail] = mailTo(`${to}@example.com`, /review your manager/);
      links.set(id, linkIn(mail, '/forms/upward'));
    }
    expect(mailTo('ann@example.com', /review your manager/)[0].text).toContain('Maria Manager');
    const page = await (await fetch(links.get('a1')!)).text();
    expect(page).toContain('Review of Maria Manager');
    expect(page).toContain('Your answers are final once sent');
    const status = await statusOf();
    expect(status.upward.managers.map((m: any) => [m.managerKey, m.answered, m.asked, m.mean])).toEqual([
      ['m1', 0, 3, null],
      ['m2', 0, 3, null],
    ]);
  });

  it('runs peer reviews in the same cycle: the peer invitations, a peer answer and both completions, apart from the upward ones', async () => {
    const assigned = await hr(stack, 'POST', `/cycles/${cycleId}/peers`, { employeeId: 'a1', reviewers: ['a2', 'b1'] });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    await stack.settled();
    await collectMail();
    const [peerMail] = mailTo('abe@example.com', /please give peer feedback on Ann One/);
    const peerLink = linkIn(peerMail, '/forms/peer');
    const sent = await postForm(peerLink, await openForm(peerLink), {
      doesWell: PEER_TEXT,
      doDifferently: 'Shares drafts earlier',
      rating: '4',
    });
    expect(sent.status, sent.html).toBe(303);
    // Peers of people with other managers: Bea (Max's), and Maria, whom HR reviews; Max answers on Maria.
    for (const [employeeId, reviewer] of [
      ['b2', 'b3'],
      ['m1', 'm2'],
    ]) {
      const more = await hr(stack, 'POST', `/cycles/${cycleId}/peers`, { employeeId, reviewers: [reviewer] });
      expect(more.status, JSON.stringify(more.body)).toBe(200);
    }
    await stack.settled();
    await collectMail();
    const maxLink = linkIn(mailTo('max@example.com', /please give peer feedback on Maria Manager/)[0], '/forms/peer');
    const onMaria = { doesWell: 'Runs calm planning', doDifferently: 'Delegates more', rating: '' };
    expect((await postForm(maxLink, await openForm(maxLink), onMaria)).status).toBe(303);
    const status = await statusOf();
    expect(status.peerReviews).toEqual({
      asked: 4,
      answered: 2,
      completion: 50,
      byDepartment: [
        { department: 'Ops', asked: 1, answered: 0, completion: 0 },
        { department: 'Sales', asked: 3, answered: 2, completion: 66.7 },
      ],
      byManager: [
        { managerKey: 'm1', managerName: 'Maria Manager', asked: 2, answered: 1, completion: 50 },
        { managerKey: 'm2', managerName: 'Max Other', asked: 1, answered: 0, completion: 0 },
        { managerKey: null, managerName: null, asked: 1, answered: 1, completion: 100 },
      ],
    });
    const shown = (await cli(stack, dir.path, 'cycle', 'status', cycleId)).out;
    expect(shown).toContain('  manager Max Other (m2): 0 of 1 peer reviews answered (0%)');
    expect(shown).toContain('  no manager (HR reviews): 1 of 1 peer reviews answered (100%)');
    // A peer answer is no upward answer: it neither counts nor is stored with them.
    expect(status.upward.managers.map((m: any) => m.answered)).toEqual([0, 0]);
    const items = await scanTable();
    expect(items.filter((item) => String(item.sk).startsWith('UPWARD#'))).toEqual([]);
    expect(items.filter((item) => textOfItem(item).includes(PEER_TEXT)).map((item) => String(item.sk))).toEqual([
      'PEER#a1#a2',
    ]);
  });

  it('refuses malformed answers and a post by someone without a manager, storing nothing', async () => {
    const link = links.get('a3')!;
    const refused = await postForm(link, await openForm(link), { support: 'only one', upwardRating: '9' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('is required');
    expect(refused.html).toContain('choose one of 1, 2, 3, 4, 5');
    // Maria is reviewed by HR: a link for her, however obtained, has no manager to review.
    const cycle = (await getCycle(cycleId))!;
    const token = signLink(
      { cycleId, personId: 'm1', purpose: 'upward', expiresAt: releaseAt(scheduleOf(cycle)) + 7 * DAY },
      secret,
    );
    const forged = new URL(link);
    forged.searchParams.set('t', token);
    const opened = await fetch(forged);
    expect(opened.status).toBe(404);
    expect(await opened.text()).toContain('No manager to review');
    const posted = await postForm(
      forged.toString(),
      { t: token, formToken: formToken(token, secret), submissionId: crypto.randomUUID() },
      answersOf('a3'),
    );
    expect(posted.status).toBe(404);
    expect(posted.html).toContain('No manager to review');
    const status = await statusOf();
    expect(status.upward.managers.map((m: any) => m.answered)).toEqual([0, 0]);
    const items = await scanTable();
    expect(items.filter((item) => String(item.sk).startsWith('UPWARD#'))).toEqual([]);
  });

  it('counts each author once, across a replay, a second visit and a restart', async () => {
    for (const id of ['a1', 'a2', 'b1']) {
      const sent = await answer(id);
      expect(sent.status, sent.html).toBe(303);
      expect(sent.html).toContain('Thank you: your review is sent, without your name.');
    }
    // The same post again: recorded once.
    const replay = await postForm(links.get('a1')!, posts.get('a1')!.hidden, posts.get('a1')!.answers);
    expect(replay.status).toBe(303);
    expect(replay.html).toContain('You had already answered');
    // A fresh page: only that they answered, never the answers.
    const again = await (await fetch(links.get('a1')!)).text();
    expect(again).toContain('You have answered');
    for (const text of textsOf('a1')) expect(again).not.toContain(text);

    await collectMail();
    stack = await restartStack(stack, dataDir);
    seen = 0;
    expect(await (await fetch(links.get('a1')!)).text()).toContain('You have answered');
    const replayed = await postForm(links.get('a1')!, posts.get('a1')!.hidden, posts.get('a1')!.answers);
    expect(replayed.html).toContain('You had already answered');
    for (const id of ['a3', 'b2']) expect((await answer(id)).status).toBe(303);
    const status = await statusOf();
    expect(status.upward.managers.map((m: any) => [m.managerKey, m.answered, m.asked, m.mean])).toEqual([
      ['m1', 3, 3, null],
      ['m2', 2, 3, null],
    ]);
    expect(status.upward.departments).toEqual([
      { department: 'Ops', asked: 3, answered: 2 },
      { department: 'Sales', asked: 3, answered: 3 },
    ]);
  });

  it('reminds only the report who has not answered, and refuses a post after the deadline', async () => {
    const cycle = (await getCycle(cycleId))!;
    const pageBefore = await openForm(links.get('b3')!);
    await stack.advance(cycle.selfDue - 2 * DAY - stack.clock.now());
    await stack.settled();
    await collectMail();
    const reminders = received.filter((mail) => mail.subject.startsWith('Reminder: review your manager'));
    expect(reminders.map((mail) => mail.to)).toEqual(['bo@example.com']);
    await stack.advance(cycle.selfDue + HOUR - stack.clock.now());
    await stack.settled();
    const late = await postForm(links.get('b3')!, pageBefore, answersOf('b3'));
    expect(late.status).toBe(409);
    expect(late.html).toContain('This review is closed');
    const closedPage = await fetch(links.get('b3')!);
    expect(closedPage.status).toBe(409);
    expect((await statusOf()).upward.managers.map((m: any) => m.answered)).toEqual([3, 2]);
    // Before the release neither manager reads any answer on their team page: only when they will, and why.
    await collectMail();
    for (const to of ['maria@example.com', 'max@example.com']) {
      const { html, upward } = await teamPage(to);
      expect(upward).toContain('What your reports said about working with you');
      expect(upward).toContain('reach you here once the results are released, if enough of them answered');
      for (const text of ALL_TEXTS) expect(html).not.toContain(text);
      expect(html).not.toContain('Mean rating');
    }
  });

  it('at release: Maria gets the three answers and the mean; Max only that too few answered, and his are deleted', async () => {
    const cycle = (await getCycle(cycleId))!;
    await stack.advance(releaseAt(scheduleOf(cycle)) + HOUR - stack.clock.now());
    await stack.settled();
    await collectMail();
    const [maria] = mailTo('maria@example.com', /your upward review/);
    for (const id of ['a1', 'a2', 'a3']) for (const text of textsOf(id)) expect(maria.text).toContain(text);
    expect(maria.text).toContain('Mean rating: 4 of 5');
    expect(maria.text).not.toContain(PEER_TEXT);
    const [max] = mailTo('max@example.com', /your upward review/);
    expect(max.text).toContain('2 answered, and at least 3 are needed');
    const items = await scanTable();
    const answers = items.filter((item) => String(item.sk).startsWith('UPWARD#'));
    expect(answers.map((item) => String(item.sk).split('#')[1])).toEqual(['m1', 'm1', 'm1']);
    // Nobody else got any answer, and Max's reached nobody at all.
    for (const mail of received) {
      for (const id of ['b1', 'b2']) for (const text of textsOf(id)) expect(mail.text + mail.html).not.toContain(text);
      if (mail !== maria)
        for (const text of ALL_TEXTS) expect(mail.text + mail.html, `${mail.to}: ${mail.subject}`).not.toContain(text);
    }
    const stored = await listMails(cycleId);
    for (const mail of stored.filter((record) => record.kind !== 'upward-result' || record.to !== 'maria@example.com'))
      for (const text of ALL_TEXTS) expect(mail.text + mail.html + mail.subject).not.toContain(text);
    const status = await statusOf();
    expect(status.upward.managers.map((m: any) => [m.managerKey, m.mean])).toEqual([
      ['m1', 4],
      ['m2', null],
    ]);
  });

  it('after the release Maria reads the answers on her team page too, as stored and without names; Max reads none', async () => {
    const stored = (await scanTable())
      .filter((item) => item.pk === `CYCLE#${cycleId}` && String(item.sk).startsWith('UPWARD#m1#'))
      .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    // The authors in the order of their answers' random ids: the order the page must show.
    const order = stored.map((item) => AUTHORS.find((id) => (item.answers as any).support === answersOf(id).support)!);
    expect([...order].sort()).toEqual(['a1', 'a2', 'a3']);
    const maria = await teamPage('maria@example.com');
    expect(maria.upward).toContain('<h2 id="upward-answers">What your reports said about working with you</h2>');
    expect(maria.upward).toContain('Mean rating: 4 of 5');
    const at = (text: string) => maria.upward.indexOf(text);
    for (const id of order) for (const text of textsOf(id)) expect(at(text), text).toBeGreaterThan(0);
    for (let i = 1; i < order.length; i++)
      expect(at(answersOf(order[i - 1]).change)).toBeLessThan(at(answersOf(order[i]).support));
    for (let i = 0; i < order.length; i++) expect(maria.upward).toContain(`<h3>Answer ${i + 1}</h3>`);
    // No name, id or date beside the answers; the same order at every reading.
    for (const word of ['Ann', 'Abe', 'Ada', 'a1', 'a2', 'a3', 'Ben', 'Bea']) expect(maria.upward).not.toContain(word);
    expect(maria.upward).not.toMatch(/\d{4}-\d\d-\d\d|20\d\d/);
    expect((await teamPage('maria@example.com')).upward).toBe(maria.upward);
    for (const id of ['b1', 'b2']) for (const text of textsOf(id)) expect(maria.html).not.toContain(text);
    // Max, below the threshold: only that too few answered, not how many, and none of their answers.
    const max = await teamPage('max@example.com');
    expect(max.upward).toContain('Too few of your reports answered the upward review to keep their answers anonymous');
    expect(max.upward.replace(/<[^>]*>/g, '')).not.toMatch(/\d/);
    for (const text of ALL_TEXTS) expect(max.html).not.toContain(text);
  });

  it('leaves nothing anywhere that ties an upward answer to its author', async () => {
    const keysOf = new Map(ALL_IDS.map((id) => [id, authorKey(secret, cycleId, id)]));
    const items = await scanTable();
    // Every item of the table: none holds both an author (id or key) and any text of their answer.
    for (const item of items) {
      const text = textOfItem(item);
      for (const id of AUTHORS) {
        const linked =
          (new RegExp(`\\b${id}\\b`).test(text) || text.includes(keysOf.get(id)!)) &&
          textsOf(id).some((answer) => text.includes(answer));
        expect(linked, `${item.pk} ${item.sk}`).toBe(false);
      }
    }
    // An item holding an answer holds its keys, the answers and the rating: no id but the manager's, no key, no time.
    const holding = items.filter(
      (item) => !String(item.sk).startsWith('MAIL#') && ALL_TEXTS.some((t) => textOfItem(item).includes(t)),
    );
    expect(holding.length).toBe(3);
    for (const item of holding) {
      expect(Object.keys(item).sort()).toEqual(['answers', 'pk', 'rating', 'sk']);
      const text = JSON.stringify(item);
      for (const id of ALL_IDS.filter((id) => id !== 'm1')) expect(text).not.toMatch(new RegExp(`\\b${id}\\b`));
      for (const key of keysOf.values()) expect(text).not.toContain(key);
      expect(text).not.toMatch(/\d{4}-\d\d-\d\dT|\b1\d{12}\b/);
    }
    // The markers: their key and nothing else.
    const markers = items.filter((item) => String(item.sk).startsWith('UPWARDBY#'));
    expect(markers.map((item) => Object.keys(item).sort())).toEqual(AUTHORS.map(() => ['pk', 'sk']));
    expect(new Set(markers.map((item) => String(item.sk).slice('UPWARDBY#'.length)))).toEqual(
      new Set(AUTHORS.map((id) => keysOf.get(id))),
    );
    // Everything HR can read: no answer text, no author key.
    const reads = [
      JSON.stringify(await statusOf()),
      JSON.stringify((await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body),
      await (
        await fetch(`${stack.apiUrl}/cycles/${cycleId}/report?format=csv`, {
          headers: { authorization: `Bearer ${stack.hrToken}` },
        })
      ).text(),
      JSON.stringify((await hr(stack, 'GET', `/cycles/${cycleId}/report/people`)).body),
      JSON.stringify(await auditOf(stack, cycleId)),
      JSON.stringify((await hr(stack, 'GET', '/cycles')).body),
      JSON.stringify((await hr(stack, 'GET', `/cycles/${cycleId}/teams`)).body),
      JSON.stringify((await hr(stack, 'GET', `/cycles/${cycleId}/escalations`)).body),
      (await cli(stack, dir.path, 'cycle', 'status', cycleId)).out,
    ];
    expect(reads[0]).toContain('"answered":3');
    for (const read of reads) {
      for (const text of ALL_TEXTS) expect(read).not.toContain(text);
      for (const key of keysOf.values()) expect(read).not.toContain(key);
    }
    // The audit records no upward answer at all: not who, not when.
    expect(JSON.stringify(await auditOf(stack, cycleId))).not.toMatch(/upward-answer|upward-submitted/);
    // The logs: no answer text and no author key, let alone together with an id.
    for (const line of logLines) {
      for (const text of ALL_TEXTS) expect(line).not.toContain(text);
      for (const key of keysOf.values()) expect(line).not.toContain(key);
    }
  });

  it('deletes the upward answers of a cancelled cycle: nothing is released, so they reach nobody', async () => {
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Cancelled with upward',
      selfDue: dateAfter(now, 7),
      managerDue: dateAfter(now, 14),
      department: 'Sales',
      upward: true,
      allowOverlap: true,
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const cancelled = launched.body.cycleId;
    await stack.settled();
    const [invitation] = (await mailbox(stack)).filter(
      (mail) =>
        mail.to === 'ann@example.com' && mail.subject === 'Cancelled with upward: review your manager, anonymously',
    );
    const link = linkIn(invitation, '/forms/upward');
    expect((await postForm(link, await openForm(link), answersOf('a1'))).status).toBe(303);
    const answersIn = async () =>
      (await scanTable()).filter((item) => item.pk === `CYCLE#${cancelled}` && String(item.sk).startsWith('UPWARD#'));
    expect(await answersIn()).toHaveLength(1);
    expect((await hr(stack, 'POST', `/cycles/${cancelled}/cancel`, {})).status).toBe(200);
    expect(await answersIn()).toEqual([]);
  });
});
