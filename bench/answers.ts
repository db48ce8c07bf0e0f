import { periodOf } from '../functions/domain/goals.ts';
import { apiFunctions } from '../lib/functions.ts';
import type { LocalStack } from '../local/stack.ts';
import { clearMailbox, DAY, HOUR, linkIn, type Mail, mailbox, postForm } from '../test/support/local.ts';
import { type UsageByFunction, type UsageMeter, usedBetween } from './cost.ts';
import type { HrApi } from './forms.ts';
import { roster } from './roster.ts';

/**
 * The answers of a quarter, measured: a cycle of `people` where everyone answers, as people do in a browser.
 * Each person (a tenth of them managers, bench/roster.ts) has one goal of the quarter under review, opens the
 * self-assessment from the invitation and submits it; each reviewer (a manager, or HR for the managers, who are
 * at the top) opens the team page, then each report's page, and submits the review; once the results are
 * released, each person opens them and acknowledges (one in five with a comment). What the pages' functions used meanwhile (every function
 * with a /forms/ route: a form request invokes nothing else) is the answers' usage. The workflow's own work in
 * this cycle is left out: the unanswered cycle already prices more of it (every reminder and escalation).
 */
const DEPARTMENT = 'Answers';
const CYCLE = 'Answered cycle';
/** One acknowledgement in this many carries a comment: an assumption, as nothing here measures how many do. */
const COMMENTING = 5;
/** The length of each written answer: a paragraph, as people write in a review. */
const ANSWER_CHARS = 400;

const FORM_FUNCTIONS = apiFunctions
  .filter((spec) => spec.routes?.some((route) => route.path.startsWith('/forms/')))
  .map((spec) => spec.id);

function answerText(person: number, question: string): string {
  const sentence = `${question} for person ${person}: what happened this quarter, an example of it, and what comes next. `;
  return sentence.repeat(Math.ceil(ANSWER_CHARS / sentence.length)).slice(0, ANSWER_CHARS);
}

/**
 * What a browser posts from the first form of a page, filled in: its hidden fields, a point of the scale for each
 * rating (goals, competencies, overall; varied by person) and a paragraph for each required text.
 */
function filledForm(html: string, person: number): Record<string, string> {
  const form = html.slice(html.indexOf('<form'), html.indexOf('</form>'));
  const fields: Record<string, string> = {};
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[name] ??= value.replaceAll('&amp;', '&');
  const scale = new Map<string, string[]>();
  for (const [, name, value] of form.matchAll(/<input type="radio" name="([^"]+)" value="([^"]*)"/g))
    scale.set(name, [...(scale.get(name) ?? []), value]);
  for (const [name, values] of scale) fields[name] = values[(person + name.length) % values.length];
  for (const [, name] of form.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]* required>/g))
    fields[name] = answerText(person, name);
  return fields;
}

/** Opens a page as its link's owner, fills in its form and submits it; fails unless it lands on `confirmation`. */
async function answer(link: string, person: number, button: Record<string, string>, confirmation: string) {
  const page = await (await fetch(link)).text();
  const posted = await postForm(link, filledForm(page, person), button);
  if (posted.status !== 303 || !posted.html.includes(confirmation))
    throw new Error(`${new URL(link).pathname} for person ${person} answered ${posted.status}`);
}

/** The link of this kind in each mail of the cycle whose subject starts so. */
function linksOf(mails: Mail[], subject: string, path: '/forms/self' | '/forms/team' | '/forms/results') {
  return mails.filter((mail) => mail.subject.startsWith(`${CYCLE}: ${subject}`)).map((mail) => linkIn(mail, path));
}

export async function answersBench(stack: LocalStack, hr: HrApi, meter: UsageMeter, people: number) {
  const day = (offset: number) => new Date(stack.clock.now() + offset * DAY).toISOString().slice(0, 10);
  const endOf = (date: string) => Date.parse(`${date}T23:59:59Z`);
  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };
  await hr(stack, 'POST', '/employees/import', roster(people, DEPARTMENT), 'text/csv');
  // One goal each, due after the cycle and in the quarter it reviews, so each form rates it.
  const goalDue = day(30);
  for (let i = 0; i < people; i++)
    await hr(
      stack,
      'POST',
      `/employees/${DEPARTMENT}-${i}/goals`,
      JSON.stringify({ title: `Goal of person ${i}`, due: goalDue, weight: 100 }),
    );
  const selfDue = day(14);
  const managerDue = day(24);
  await clearMailbox(stack);
  const { cycleId } = await hr(
    stack,
    'POST',
    '/cycles',
    JSON.stringify({ name: CYCLE, selfDue, managerDue, department: DEPARTMENT, period: periodOf(goalDue) }),
  );
  await stack.settled();

  const before = meter.snapshot();
  const invitations = linksOf(await mailbox(stack), 'your self-assessment is open', '/forms/self');
  if (invitations.length !== people) throw new Error(`${invitations.length} invitations for ${people} people`);
  for (const [person, link] of invitations.entries())
    await answer(link, person, { action: 'submit' }, 'your self-assessment is submitted');

  await moveTo(endOf(selfDue) + HOUR);
  const teams = linksOf(await mailbox(stack), 'please review your team', '/forms/team');
  let reviewed = 0;
  for (const team of teams) {
    const overview = await (await fetch(team)).text();
    const reports = new Set(
      [...overview.matchAll(/href="(\/forms\/team\?[^"]*report=[^"]+)"/g)].map(([, href]) =>
        new URL(href.replaceAll('&amp;', '&'), team).toString(),
      ),
    );
    for (const report of reports) await answer(report, reviewed++, { action: 'submit' }, 'Your review is submitted.');
  }
  if (reviewed !== people) throw new Error(`${teams.length} reviewers' pages list ${reviewed} of ${people} people`);

  // The results go out after the review phase and HR's grace; each person acknowledges them.
  let results: string[] = [];
  for (let days = 0; days <= 7 && results.length < people; days++) {
    await moveTo(endOf(managerDue) + days * DAY + HOUR);
    results = linksOf(await mailbox(stack), 'your review result', '/forms/results');
  }
  if (results.length !== people) throw new Error(`${results.length} results released for ${people} people`);
  // One person in COMMENTING comments (which emails HR as well as the manager); the others only acknowledge.
  for (const [person, link] of results.entries())
    await (person % COMMENTING === 0
      ? answer(
          link,
          person,
          { comment: answerText(person, 'comment') },
          'Thank you: your acknowledgement was sent to your manager and HR.',
        )
      : answer(link, person, {}, 'Thank you: your acknowledgement was sent to your manager.'));
  const used = usedBetween(before, meter.snapshot());

  // Every answer counted: the cost is of real answers.
  const status = await hr(stack, 'GET', `/cycles/${cycleId}`, '');
  const counted = {
    selfSubmitted: status.counts.self.submitted,
    reviewed: status.counts.manager.submitted,
    acknowledged: status.results.acknowledged,
  };
  if (Object.values(counted).some((count) => count !== people))
    throw new Error(`of ${people} people's answers the cycle counts ${JSON.stringify(counted)}`);

  const usage: UsageByFunction = Object.fromEntries(
    FORM_FUNCTIONS.filter((id) => used[id].invocations > 0).map((id) => [id, used[id]]),
  );
  const perPerson = Object.entries(usage).map(([id, use]) => ({
    function: id,
    invocations: use.invocations / people,
    billedMs: Math.round(use.billedMs / people),
    readUnits: Number((use.readUnits / people).toFixed(1)),
    writeUnits: Number((use.writeUnits / people).toFixed(1)),
    indexWriteUnits: Number((use.indexWriteUnits / people).toFixed(1)),
    sesMessages: use.sesMessages / people,
  }));
  return {
    people,
    usage,
    figures: { people, reviewers: teams.length, answerChars: ANSWER_CHARS, ...counted, perPerson },
  };
}
