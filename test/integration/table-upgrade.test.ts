import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deniedCalls } from '../support/iam-proof.ts';
import {
  clearMailbox,
  DAY,
  hr,
  launchFromRoster,
  linkIn,
  mailbox,
  openForm,
  PAST_NEXT_FLUSH,
  postForm,
  restartStack,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * A stack first deployed with three indexes (before the keys-only lists, `cb1c1d0`) takes this version in place
 * (lib/table-upgrade.ts): its template keeps declaring three (`tableTemplateIndexes: 3`), and the custom resource
 * adds the other three one at a time and moves the items stored before into them. The local stack runs that
 * custom resource as CloudFormation would, at start. Here a running cycle is stored as the old version stored it,
 * then the upgrade runs, then the cycle carries on: nobody is missed, nothing queued is lost.
 */
const THREE = { tableTemplateIndexes: 3 };
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Late,bob@example.com,m1,Sales
`;
const SELF = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'More' };
/** A stored mail's compressed recipient, subject and texts (store/mail.ts). */
const bodyOf = (item: Record<string, any>) => JSON.parse(brotliDecompressSync(item.body).toString('utf8'));
/** The table's indexes as the code reads them: three declared by the template, three added by the upgrade. */
const EVERY_INDEX = [
  'gsi1 ALL ACTIVE',
  'gsi2 ALL ACTIVE',
  'gsi3 ALL ACTIVE',
  'gsi4 KEYS_ONLY ACTIVE',
  'gsi5 KEYS_ONLY ACTIVE',
  'gsi6 KEYS_ONLY ACTIVE',
];
/** Where the old version kept an assessment's lists, by where this one keeps them. */
const OLD_LIST = { gsi5: 'gsi1', gsi6: 'gsi2', gsi4: 'gsi3' } as const;

describe('a table first deployed with three indexes, upgraded in place while a cycle runs', () => {
  const dir = tempDir('perfcycle-upgrade-');
  const dataDir = join(dir.path, 'data');
  let stack: LocalStack;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir, context: THREE });
    client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoEndpoint }));
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
    dir.remove();
  });

  const indexes = async () =>
    (await client.send(new DescribeTableCommand({ TableName: 'perfcycle' })))
      .Table!.GlobalSecondaryIndexes!.map(
        (index) => `${index.IndexName} ${index.Projection!.ProjectionType} ${index.IndexStatus}`,
      )
      .sort();
  const items = async () => (await client.send(new ScanCommand({ TableName: 'perfcycle' }))).Items!;

  it('adds the indexes, moves the lists and the queued mail, and the cycle goes on', async () => {
    // A fresh stack with the context creates the table with three indexes and adds the rest.
    expect(await indexes()).toEqual(EVERY_INDEX);
    const { cycleId, selfDue } = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: 'Q4',
      selfDue: 7,
      managerDue: 14,
    });
    const invitation = (to: string) =>
      mailbox(stack).then((mails) =>
        mails.filter((mail) => mail.to === to && mail.subject.includes('self-assessment')),
      );
    const annsLink = linkIn((await invitation('ann@example.com'))[0], '/forms/self');
    const annsPage = await openForm(annsLink);
    expect((await postForm(annsLink, annsPage, SELF)).status).toBe(303);
    await stack.settled();

    // Ann and Bob review each other as peers; Ann answers before the upgrade.
    for (const [employeeId, reviewer] of [
      ['e1', 'e2'],
      ['e2', 'e1'],
    ])
      expect((await hr(stack, 'POST', `/cycles/${cycleId}/peers`, { employeeId, reviewers: [reviewer] })).status).toBe(
        200,
      );
    await stack.settled();
    const peerLink = async (to: string, about: string) =>
      linkIn(
        (await mailbox(stack)).find(
          (mail) => mail.to === to && mail.subject === `Q4: please give peer feedback on ${about}`,
        )!,
        '/forms/peer',
      );
    const PEER = { doesWell: 'Explains the plan', doDifferently: 'Share drafts earlier', rating: '4' };
    const bobsPeerLink = await peerLink('bob@example.com', 'Ann Early');
    expect((await submitForm(await peerLink('ann@example.com', 'Bob Late'), PEER)).status).toBe(303);

    // What the old version stored instead: the lists in gsi1-gsi3, no phase item, Bob's invitation still queued
    // (SES refused it) in the cycle's own outbox partition; and the table without the three new indexes.
    for (const index of ['gsi6', 'gsi5', 'gsi4']) {
      // One index change at a time, as DynamoDB allows.
      while ((await indexes()).some((described) => !described.endsWith(' ACTIVE'))) await sleep(50);
      await client.send(
        new UpdateTableCommand({
          TableName: 'perfcycle',
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index } }],
        }),
      );
    }
    while ((await indexes()).length > 3) await sleep(50);
    let bobsInvitation = '';
    for (const item of await items()) {
      const sk = String(item.sk);
      const old = { ...item };
      if (sk.startsWith('ASMT#'))
        for (const [now, before] of Object.entries(OLD_LIST)) {
          if (item[`${now}pk`] === undefined) continue;
          Object.assign(old, { [`${before}pk`]: item[`${now}pk`], [`${before}sk`]: item[`${now}sk`] });
          delete old[`${now}pk`];
          delete old[`${now}sk`];
        }
      else if (sk === 'META' && item.pk === `CYCLE#${cycleId}`) delete old.phaseKept;
      else if (sk.startsWith('VERSION#self#e1#')) {
        // A version carried no post id: the post left a one-time marker.
        await client.send(
          new PutCommand({ TableName: 'perfcycle', Item: { pk: `SUBMISSION#${item.submission}`, sk: 'META' } }),
        );
        delete old.submission;
      } else if (sk.startsWith('PEER#')) {
        // Peer reviews named no manager, and their counts were kept per department.
        delete old.managerKey;
        delete old.managerName;
      } else if (sk.startsWith('PEERCOUNT#')) {
        await client.send(new DeleteCommand({ TableName: 'perfcycle', Key: { pk: item.pk, sk: item.sk } }));
        Object.assign(old, { sk: 'PEERCOUNT#Sales', department: 'Sales', asked: 2, answered: 1 });
        delete old.managerKey;
        delete old.managerName;
      } else if (sk === 'PHASE') {
        await client.send(new DeleteCommand({ TableName: 'perfcycle', Key: { pk: item.pk, sk: item.sk } }));
        continue;
      } else if (sk.startsWith('MAIL#') && item.kind === 'invitation' && bodyOf(item).to === 'bob@example.com') {
        bobsInvitation = sk;
        for (const sent of ['sentAt', 'messageId']) delete old[sent];
        Object.assign(old, {
          status: 'PENDING',
          gsi2pk: `OUTBOX#${cycleId}`,
          gsi2sk: `${item.createdAt}#${sk.slice(5)}`,
        });
      } else continue;
      await client.send(new PutCommand({ TableName: 'perfcycle', Item: old }));
    }
    expect(bobsInvitation).not.toBe('');
    await clearMailbox(stack);

    // The deploy: the custom resource's two passes run (here at start), then the functions run this version.
    stack = await restartStack(stack, dataDir, { context: THREE, recordCalls: true });
    expect(await indexes()).toEqual(EVERY_INDEX);
    const assessments = (await items()).filter((item) => String(item.sk).startsWith('ASMT#'));
    expect(assessments).toHaveLength(3);
    for (const assessment of assessments)
      expect(
        Object.keys(assessment).filter((name) => /^gsi[123]/.test(name)),
        String(assessment.sk),
      ).toEqual([]);

    // Ann's post again (a second click, the back button) is answered as recorded once, as before the upgrade.
    const again = await postForm(annsLink, annsPage, SELF);
    expect(again.status).toBe(303);
    expect(again.html).toContain('it was recorded once');

    // A peer review asked before is answered now, and counted with its participant's manager.
    expect((await submitForm(bobsPeerLink, PEER)).status).toBe(303);
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.peerReviews).toEqual({
      asked: 2,
      answered: 2,
      completion: 100,
      byDepartment: [{ department: 'Sales', asked: 2, answered: 2, completion: 100 }],
      byManager: [{ managerKey: 'm1', managerName: 'Maria Manager', asked: 2, answered: 2, completion: 100 }],
    });

    // The mail queued before goes out with the flusher's next run.
    await stack.advance(PAST_NEXT_FLUSH);
    await stack.settled();
    expect((await invitation('bob@example.com')).map((mail) => mail.subject)).toEqual([
      'Q4: your self-assessment is open',
    ]);

    // The self-assessment deadline passes: the two still to submit are overdue and told so, Ann is not.
    await stack.advance(selfDue + DAY - stack.clock.now());
    await stack.settled();
    const overdue = await hr(stack, 'GET', `/cycles/${cycleId}/overdue?phase=self`);
    expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
    expect(overdue.body.overdue.map((person: { employeeId: string }) => person.employeeId).sort()).toEqual([
      'e2',
      'm1',
    ]);
    const mails = await mailbox(stack);
    const subjects = (to: string) => mails.filter((mail) => mail.to === to).map((mail) => mail.subject);
    expect(subjects('bob@example.com')).toContain('Reminder: Q4 self-assessment due Wed, 9 Dec 2026, 23:59 (UTC)');
    expect(subjects('maria@example.com')).toContain('Q4: 1 overdue self-assessment in your team');
    expect(subjects('ann@example.com')).toEqual([]);
    // Maria's team page lists both reports, Ann's self-assessment as submitted.
    const team = mails.find((mail) => mail.to === 'maria@example.com' && mail.html.includes('/forms/team'));
    const page = await (await fetch(linkIn(team!, '/forms/team'))).text();
    expect(page).toContain('Ann Early');
    expect(page).toContain('Bob Late');
    // The upgrade's calls, each allowed by its own function's policy in the template that deploys it.
    const upgradeCalls = stack.recorder!.calls().filter((call) => call.functionId.startsWith('UpgradeTable'));
    expect(new Set(upgradeCalls.map((call) => call.action))).toEqual(
      new Set([
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:Scan',
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
    expect(await deniedCalls(upgradeCalls, stack.template)).toEqual([]);
  }, 300_000);
});
