import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditOf,
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
 * Consent on the results page (issue 10, part 7): the proposed goals are never ticked for the employee;
 * they become goals only when the employee ticks the box; ticking it together with "I disagree" is refused
 * and changes nothing; and the manager's and HR's email says exactly what the employee chose.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Keen,cid@example.com,m1,Sales
`;
const CYCLE = 'Consent Q';
const NAMES: Record<string, string> = { e1: 'Ann Early', e2: 'Bob Prompt', e3: 'Cid Keen' };

describe('consent to proposed goals on the results page', () => {
  const dir = tempDir('perfcycle-consent-');
  let stack: LocalStack;
  let managerDue: number;
  let selfDue: number;
  const results: Record<string, string> = {};

  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };
  const goalsOf = async (employeeId: string) => {
    const listed = await cli(stack, dir.path, 'goals', 'list', '--employee', employeeId, '--json');
    expect(listed.code, listed.err).toBe(0);
    return (JSON.parse(listed.out).goals as { title: string }[]).map((goal) => goal.title);
  };
  const toldOf = async (employeeId: string): Promise<Mail[]> =>
    (await mailbox(stack)).filter(
      (mail) =>
        mail.subject.startsWith(`${CYCLE}: ${NAMES[employeeId]} `) &&
        (mail.subject.endsWith('acknowledged their appraisal') ||
          mail.subject.endsWith('disagrees with their appraisal')),
    );

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: CYCLE,
      selfDue: dateAfter(now, 7),
      managerDue: dateAfter(now, 14),
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    selfDue = Date.parse(launched.body.selfDue);
    managerDue = Date.parse(launched.body.managerDue);
    await stack.settled();
    await moveTo(selfDue + HOUR);
    const request = (await mailbox(stack)).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
    )!;
    const teamLink = linkIn(request, '/forms/team');
    const due = dateAfter(stack.clock.now(), 60);
    for (const employeeId of ['e1', 'e2', 'e3']) {
      const link = reportLink(teamLink, employeeId);
      const page = await (await fetch(link)).text();
      const competencies = [...new Set([...page.matchAll(/name="(competency-[^"]+)"/g)].map((match) => match[1]))];
      const answers: Record<string, string> = {
        employeeId,
        rating: '3',
        strengths: 'Ships',
        areasToImprove: 'Estimates',
        comments: 'Good',
        proposedGoal1Title: `Lead pricing ${employeeId}`,
        proposedGoal1Due: due,
      };
      for (const field of competencies) answers[field] = '3';
      const saved = await postForm(link, await openForm(link), answers);
      expect(saved.status, saved.html.slice(0, 2000)).toBe(303);
    }
    await moveTo(managerDue + 3 * DAY);
    // Maria, reviewed by HR, has no appraisal to acknowledge.
    for (const mail of (await mailbox(stack)).filter(
      (m) => m.subject === `${CYCLE}: your review result` && m.to !== 'maria@example.com',
    ))
      results[mail.to] = linkIn(mail, '/forms/results');
    expect(Object.keys(results).sort()).toEqual(['ann@example.com', 'bob@example.com', 'cid@example.com']);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('never ticks the proposed goals for the employee', async () => {
    const page = await (await fetch(results['ann@example.com'])).text();
    expect(page).toMatch(
      /<input type="checkbox" id="field-acceptGoals" name="acceptGoals" value="yes"> <label for="field-acceptGoals">Add the proposed goals to my goals<\/label>/,
    );
    expect(page).not.toMatch(/name="acceptGoals" value="yes" checked/);
  });

  it('adds no goal when the box is not ticked, and tells the manager and HR she did not accept them', async () => {
    const link = results['ann@example.com'];
    const answered = await postForm(link, await openForm(link), { comment: 'Thanks' });
    expect(answered.status).toBe(303);
    expect(answered.html).toContain('You did not accept the proposed goals; none were added to your goals.');
    expect(await goalsOf('e1')).toEqual([]);
    const told = await toldOf('e1');
    expect(told.map((mail) => mail.to).sort()).toEqual(['hr@example.com', 'maria@example.com']);
    for (const mail of told) {
      expect(mail.subject).toBe(`${CYCLE}: Ann Early acknowledged their appraisal`);
      expect(mail.text).toContain('They did not accept the proposed goal; nothing was added to their goals.');
      expect(mail.text).not.toContain('They accepted');
    }
  });

  it('refuses "I disagree" ticked with "add the proposed goals", keeping what was typed and changing nothing', async () => {
    const link = results['bob@example.com'];
    const hidden = await openForm(link);
    const auditBefore = (await auditOf(stack, (await hr(stack, 'GET', '/cycles')).body.cycles[0].cycleId)).length;
    const mailBefore = (await mailbox(stack)).length;
    const refused = await postForm(link, hidden, { comment: 'Not fair', disagree: 'yes', acceptGoals: 'yes' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(
      'You ticked both &quot;I disagree&quot; and &quot;add the proposed goals&quot;; nothing was sent',
    );
    expect(refused.html).toContain('Not fair');
    expect(refused.html).toContain('<button type="submit">Acknowledge my results</button>');
    await stack.settled();
    expect(await goalsOf('e2')).toEqual([]);
    expect((await mailbox(stack)).length).toBe(mailBefore);
    expect((await auditOf(stack, (await hr(stack, 'GET', '/cycles')).body.cycles[0].cycleId)).length).toBe(auditBefore);

    // Choosing: disagreeing acknowledges without the goals, and says so.
    // Nothing was recorded for the refused post: the same page may send the corrected answer.
    const disagreed = await postForm(link, hidden, { comment: 'Not fair', disagree: 'yes' });
    expect(disagreed.status).toBe(303);
    expect(disagreed.html).toContain('As you disagree, the proposed goals were not added to your goals.');
    expect(await goalsOf('e2')).toEqual([]);
    const told = await toldOf('e2');
    expect(told.map((mail) => mail.to).sort()).toEqual(['hr@example.com', 'maria@example.com']);
    for (const mail of told) {
      expect(mail.subject).toBe(`${CYCLE}: Bob Prompt disagrees with their appraisal`);
      expect(mail.text).toContain(
        'Because they disagree with the appraisal, the proposed goal was not added to their goals.',
      );
    }
  });

  it('adds the goals when the employee ticks the box, and says so', async () => {
    const link = results['cid@example.com'];
    const accepted = await postForm(link, await openForm(link), { comment: '', acceptGoals: 'yes' });
    expect(accepted.status).toBe(303);
    expect(accepted.html).toContain('The proposed goals are now among your goals.');
    expect(await goalsOf('e3')).toEqual(['Lead pricing e3']);
    for (const mail of await toldOf('e3'))
      expect(mail.text).toContain('They accepted the proposed goal; it is now among their goals.');
  });
});
