import { RuleViolation } from './cycle.ts';

/**
 * Who reviews whom beyond the manager (issue 14): colleagues HR assigns as peer reviewers of a participant,
 * and reports who review their manager upward. How their answers stay anonymous is in anonymity.ts.
 */

/** A peer review is a favour asked of colleagues: a few of them, not the whole team. */
export const MAX_PEER_REVIEWERS = 5;

/** A person of the directory as the peer check needs them. */
export interface DirectoryPerson {
  active: boolean;
  name: string;
}

export interface PeerAssignment {
  /** The reviewers to add, in the order asked. */
  added: string[];
  /** Asked for again though already assigned: not an error, and not added twice (a repeated command changes nothing). */
  alreadyAssigned: string[];
  /** Every reviewer of the person once the assignment is stored: those assigned before, then the added. */
  reviewers: string[];
}

/**
 * Checks HR's assignment of `requested` reviewers to `personId`, who may already have `assigned` ones (a second
 * assignment adds to the first, and the limit is on the total). Refuses with a RuleViolation listing every
 * problem, each naming the id: no reviewer, an id named twice, the person themself, an id not in the directory
 * (`lookup` answers undefined), a deactivated person, more than MAX_PEER_REVIEWERS in all. Whether the person
 * takes part in the cycle is the caller's to check.
 */
export function checkPeerAssignment(
  personId: string,
  requested: readonly string[],
  lookup: (id: string) => DirectoryPerson | undefined,
  assigned: readonly string[] = [],
): PeerAssignment {
  const before = [...new Set(assigned)];
  const problems: string[] = [];
  if (!requested.length) problems.push(`name at least one reviewer for ${personId}`);
  const added: string[] = [];
  const alreadyAssigned: string[] = [];
  for (const id of new Set(requested)) {
    if (requested.indexOf(id) !== requested.lastIndexOf(id)) problems.push(`${id} is named more than once`);
    if (id === personId) {
      problems.push(`${personId} cannot review themself`);
      continue;
    }
    const person = lookup(id);
    if (!person) problems.push(`no employee ${id} in the directory`);
    else if (!person.active) problems.push(`${id} (${person.name}) is deactivated: only active people review`);
    (before.includes(id) ? alreadyAssigned : added).push(id);
  }
  const total = before.length + added.length;
  if (total > MAX_PEER_REVIEWERS)
    problems.push(
      `at most ${MAX_PEER_REVIEWERS} reviewers per person: ${personId} would have ${total}` +
        (before.length ? ` (${before.length} already assigned)` : ''),
    );
  if (problems.length) throw new RuleViolation('invalid peer assignment', problems);
  return { added, alreadyAssigned, reviewers: [...before, ...added] };
}

/** A participant as the upward check needs them: `managerKey` is who reviews them, their manager or HR. */
export interface UpwardCandidate {
  employeeId: string;
  name: string;
  managerKey: string;
}

/** One upward review: `authorId` reviews the manager `managerKey`. */
export interface UpwardReview {
  authorId: string;
  managerKey: string;
}

/**
 * The upward reviews of a cycle: one by each participant whose reviewer is a manager, none by those HR
 * reviews (`hrKey`, the key the store gives HR as a reviewer; passed in, as domain imports nothing outside
 * itself). With `only`, just the participants named, each of whom must have a manager to review: otherwise a
 * RuleViolation naming every one who has none or does not take part in the cycle.
 */
export function upwardReviews(
  participants: readonly UpwardCandidate[],
  hrKey: string,
  only?: readonly string[],
): UpwardReview[] {
  const review = (participant: UpwardCandidate): UpwardReview => ({
    authorId: participant.employeeId,
    managerKey: participant.managerKey,
  });
  if (!only) return participants.filter((participant) => participant.managerKey !== hrKey).map(review);
  const byId = new Map(participants.map((participant) => [participant.employeeId, participant]));
  const problems: string[] = [];
  for (const id of new Set(only)) {
    const participant = byId.get(id);
    if (!participant) problems.push(`${id} does not take part in this cycle`);
    else if (participant.managerKey === hrKey)
      problems.push(`${id} (${participant.name}) has no manager to review upward: HR reviews them`);
  }
  if (problems.length) throw new RuleViolation('invalid upward reviews', problems);
  return [...new Set(only)].map((id) => review(byId.get(id)!));
}
