import { describe, expect, it } from 'vitest';
import { apiFunctions } from '../../lib/functions.ts';

const formFunctions = apiFunctions.filter((spec) => spec.entry.startsWith('functions/forms/'));

describe('each form function', () => {
  it.each(formFunctions.map((spec) => [spec.id, spec] as const))(
    '%s has a handler for exactly the routes its RouteSpec entries declare',
    async (_, spec) => {
      const { routes } = await import(`../../${spec.entry}`);
      const declared = (spec.routes ?? []).map((route) => `${route.method} ${route.path}`);
      expect(Object.keys(routes).sort()).toEqual(declared.sort());
    },
  );

  it('is found: the eight pages behind the emailed links', () => {
    expect(formFunctions.map((spec) => spec.id).sort()).toEqual([
      'FeedbackForm',
      'GoalsPage',
      'ManagerReviewForm',
      'PeerNominationForm',
      'PeerReviewForm',
      'ResultsPage',
      'SelfAssessmentForm',
      'UpwardReviewForm',
    ]);
  });
});
