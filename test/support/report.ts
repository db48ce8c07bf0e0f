import { expect } from 'vitest';
import type { PersonFacts } from '../../functions/domain/report.ts';
import { peopleFacts, reportRecounted } from '../../functions/services/report.ts';
import { listAssessments } from '../../functions/store/assessments.ts';
import { getCycle } from '../../functions/store/cycles.ts';
import { listGoalsOfPeriod } from '../../functions/store/goals.ts';
import { allPages, hr, type LocalStack } from './local.ts';

/**
 * The report as it was computed before the counters (issue 13), and still is for a cycle without them: every
 * person's facts from every assessment and every goal of the period (the service's own peopleFacts and
 * reportRecounted, the report's fallback), summed by the domain's buildReport. What the report answered from counters
 * must equal.
 */
export async function reportRecount(stack: LocalStack, cycleId: string) {
  const cycle = (await getCycle(cycleId))!;
  const now = stack.clock.now();
  const [assessments, periodGoals] = await Promise.all([listAssessments(cycleId), listGoalsOfPeriod(cycle.period)]);
  const people = peopleFacts(cycle, assessments, periodGoals, now);
  return {
    people: people.sort((a, b) => (a.employeeId < b.employeeId ? -1 : 1)),
    summaries: await reportRecounted(
      cycle,
      cycle.scale.map((point) => point.label),
      now,
    ),
  };
}

/** Every page of the report's people, `limit` at a time. */
export function reportPeopleInPages(stack: LocalStack, cycleId: string, limit: number): Promise<PersonFacts[]> {
  return allPages(stack, `/cycles/${cycleId}/report/people`, 'people', limit);
}

/**
 * Checks the report's figures, answered from counters, against the recount from every assessment, and its people,
 * read in pages of two, against every person's facts.
 */
export async function expectReportExact(stack: LocalStack, cycleId: string): Promise<void> {
  const report = await hr(stack, 'GET', `/cycles/${cycleId}/report`);
  expect(report.status).toBe(200);
  expect(report.body.source).toBe('counters');
  const recount = await reportRecount(stack, cycleId);
  const { overall, departments, calibration } = report.body;
  expect({ overall, departments, calibration }).toEqual(recount.summaries);
  expect(await reportPeopleInPages(stack, cycleId, 2)).toEqual(recount.people);
}
