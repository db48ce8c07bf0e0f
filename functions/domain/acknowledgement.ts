import { RuleViolation } from './cycle.ts';

/**
 * Consent to proposed goals on the results page (issue 10, part 7). Proposed goals become the employee's
 * goals only when they tick "add the proposed goals" themselves: the box is never ticked for them. An
 * employee who disagrees with the appraisal never gets goals added with it: ticking both is ambiguous, so
 * it is refused with a clear error and nothing changes; they choose, and the manager can still confirm the
 * goals after talking with them.
 */
export type GoalsChoice = 'accepted' | 'not-accepted' | 'disagreed' | 'none-offered';

export const DISAGREE_LABEL = 'I disagree with this appraisal';
export const ACCEPT_GOALS_LABEL = 'Add the proposed goals to my goals';

/** What the employee chose about the proposed goals; `offered` is whether the page offered them (proposals not yet made goals). */
export function goalsChoice(input: { offered: boolean; disagree: boolean; acceptGoals: boolean }): GoalsChoice {
  if (!input.offered) return 'none-offered';
  if (input.disagree && input.acceptGoals) {
    throw new RuleViolation('You ticked both "I disagree" and "add the proposed goals"; nothing was sent', [
      `Untick "${ACCEPT_GOALS_LABEL}" to acknowledge with your disagreement: no goals are added, and your manager can confirm them after talking with you.`,
      `Or untick "${DISAGREE_LABEL}" to acknowledge and accept the proposed goals.`,
    ]);
  }
  if (input.disagree) return 'disagreed';
  return input.acceptGoals ? 'accepted' : 'not-accepted';
}

/** The sentence the manager and HR read about the proposed goals; undefined when none were offered. */
export function goalsChoiceSentence(choice: GoalsChoice, proposed: number): string | undefined {
  const goals = proposed === 1 ? 'the proposed goal' : `the ${proposed} proposed goals`;
  switch (choice) {
    case 'accepted':
      return `They accepted ${goals}; ${proposed === 1 ? 'it is' : 'they are'} now among their goals.`;
    case 'not-accepted':
      return `They did not accept ${goals}; nothing was added to their goals. Their manager can still confirm ${proposed === 1 ? 'it' : 'them'} from the team page after talking with them.`;
    case 'disagreed':
      return `Because they disagree with the appraisal, ${goals} ${proposed === 1 ? 'was' : 'were'} not added to their goals. Their manager can still confirm ${proposed === 1 ? 'it' : 'them'} from the team page after talking with them.`;
    case 'none-offered':
      return undefined;
  }
}

/**
 * Whether HR is emailed about an acknowledgement: only when it asks for someone's attention, a comment or a
 * disagreement. The manager always is; HR sees every acknowledgement in the console and the report, and one email
 * per person of a 1,000-person cycle would bury the few that need them.
 */
export function hrEmailedOfAcknowledgement(ack: { disagree: boolean; comment?: string }): boolean {
  return ack.disagree || Boolean(ack.comment);
}
