import type { LocalStack } from '../local/stack.ts';
import { linkIn, mailbox, openForm } from '../test/support/local.ts';

/**
 * Form posts under load, on the local stack. A submit storm: the same rendered form posted `STORM` times at
 * once (a goal check-in, then a self-assessment), of which exactly one must count. Then the latency of a
 * form POST: `posts` check-ins one after another, each from a freshly opened page (the GET is not timed).
 */
const STORM = 50;
const DAY = 86_400_000;
const ROSTER =
  'employeeId,name,email,managerId,department\nform-m,Form Lead,form-m@example.com,,Forms\nform-1,Form Poster,form-1@example.com,form-m,Forms\n';

/** HR's API call of the bench (launch.bench.ts): throws on an error status, answers the JSON. */
export type HrApi = (
  stack: LocalStack,
  method: string,
  path: string,
  body: string,
  contentType?: string,
) => Promise<any>;

/** The link in the latest mail to `to` with this subject, as the person clicks it. */
async function linkFromMail(
  stack: LocalStack,
  to: string,
  subject: string,
  path: '/forms/goals' | '/forms/self',
): Promise<string> {
  const mail = (await mailbox(stack)).findLast((received) => received.to === to && received.subject === subject);
  if (!mail) throw new Error(`no mail "${subject}" to ${to}`);
  return linkIn(mail, path);
}

/** Posts as a browser does, without following the redirect (unlike postForm): the POST's status and how long it alone took. */
export async function post(link: string, fields: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(new URL(link).origin + new URL(link).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** The same post `STORM` times at once: how the answers were spread, and how long the storm took. */
async function storm(link: string, answers: Record<string, string>) {
  const hidden = await openForm(link);
  const started = performance.now();
  const answered = await Promise.all(Array.from({ length: STORM }, () => post(link, { ...hidden, ...answers })));
  const statuses: Record<number, number> = {};
  for (const { status } of answered) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    statuses: Object.entries(statuses)
      .map(([status, count]) => `${count}x${status}`)
      .join(' '),
    stormMs: Math.round(performance.now() - started),
  };
}

export function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1));
}

export async function formsBench(stack: LocalStack, hr: HrApi, posts: number) {
  const { getGoal } = await import('../functions/store/goals.ts');
  const { getAssessment, listAnswerVersions } = await import('../functions/store/assessments.ts');
  const { listAuditEvents } = await import('../functions/store/audit.ts');
  const { listDepartmentProgress } = await import('../functions/store/progress.ts');
  const { addProgress } = await import('../functions/domain/progress.ts');
  const day = (offset: number) => new Date(stack.clock.now() + offset * DAY).toISOString().slice(0, 10);
  await hr(stack, 'POST', '/employees/import', ROSTER, 'text/csv');

  // A goal past the quarter under review, so the self-assessment does not ask for its rating.
  const goal = await hr(
    stack,
    'POST',
    '/employees/form-1/goals',
    JSON.stringify({ title: 'Storm goal', due: day(100) }),
  );
  const goalsLink = await linkFromMail(stack, 'form-1@example.com', 'New goal: Storm goal', '/forms/goals');
  const checkIns = async () => (await getGoal('form-1', goal.goalId))!.checkIns.length;
  const checkInsBefore = await checkIns();
  const checkInStorm = await storm(goalsLink, { goalId: goal.goalId, progress: '10', status: 'ON_TRACK' });
  const checkInsCounted = (await checkIns()) - checkInsBefore;

  const { cycleId } = await hr(
    stack,
    'POST',
    '/cycles',
    JSON.stringify({ name: 'Form storm', selfDue: day(14), managerDue: day(24), department: 'Forms' }),
  );
  await stack.settled();
  const selfLink = await linkFromMail(
    stack,
    'form-1@example.com',
    'Form storm: your self-assessment is open',
    '/forms/self',
  );
  const selfStorm = await storm(selfLink, {
    action: 'submit',
    overallRating: '3',
    wentWell: 'Storms',
    toImprove: 'Calm',
    nextGoals: 'Sun',
  });
  const assessment = (await getAssessment(cycleId, 'form-1'))!;
  const selfCounted = {
    versions: (await listAnswerVersions(cycleId, 'self', 'form-1')).length,
    auditEvents: (await listAuditEvents(cycleId)).filter(
      (event) => event.action === 'self-assessment-submitted' && event.employeeId === 'form-1',
    ).length,
    cycleCounter: addProgress(await listDepartmentProgress(cycleId)).selfSubmitted,
  };

  const latencies: number[] = [];
  for (let i = 0; i < posts; i++) {
    const hidden = await openForm(goalsLink);
    const { status, ms } = await post(goalsLink, {
      ...hidden,
      goalId: goal.goalId,
      progress: String(11 + (i % 89)),
      status: 'ON_TRACK',
    });
    if (status !== 303) throw new Error(`check-in ${i} answered ${status}`);
    latencies.push(ms);
  }
  const recorded = (await checkIns()) - checkInsBefore - checkInsCounted;
  latencies.sort((a, b) => a - b);

  const figures = {
    storm: [
      {
        form: 'goal check-in',
        posts: STORM,
        answers: checkInStorm.statuses,
        recorded: checkInsCounted,
        stormMs: checkInStorm.stormMs,
      },
      {
        form: 'self-assessment submit',
        posts: STORM,
        answers: selfStorm.statuses,
        recorded: selfCounted.versions,
        auditEvents: selfCounted.auditEvents,
        counted: selfCounted.cycleCounter,
        version: assessment.selfVersion,
        stormMs: selfStorm.stormMs,
      },
    ],
    checkInPostLatency: posts
      ? {
          posts,
          recorded,
          p50Ms: percentile(latencies, 50),
          p95Ms: percentile(latencies, 95),
          p99Ms: percentile(latencies, 99),
          maxMs: Number(latencies.at(-1)!.toFixed(1)),
        }
      : undefined,
  };
  if (
    checkInsCounted !== 1 ||
    selfCounted.versions !== 1 ||
    selfCounted.auditEvents !== 1 ||
    selfCounted.cycleCounter !== 1 ||
    assessment.selfVersion !== 1
  ) {
    throw new Error(`a submit storm counted more or less than once: ${JSON.stringify(figures.storm)}`);
  }
  if (recorded !== posts) throw new Error(`${posts} distinct check-ins recorded ${recorded}`);
  return figures;
}
