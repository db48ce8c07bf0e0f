import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from './audit.ts';
import { db, keys, tableName, transactOnce, type OnceOutcome, type TransactItem } from './table.ts';

/** The forms behind emailed links whose posts are recorded once. */
export type FormName =
  | 'self'
  | 'review'
  | 'self-draft'
  | 'review-draft'
  | 'check-in'
  | 'feedback-request'
  | 'feedback-answer'
  | 'acknowledgement'
  | 'confirm-goals'
  | 'peer-review'
  | 'peer-nomination';

/** One post of one rendered form: its id was generated when the page was rendered. */
export interface Submission {
  id: string;
  form: FormName;
  by: Actor;
  at: string;
}

/**
 * The marker that makes a post count once: stored in the same transaction as what the post changes, so a
 * second post of the same page (a double click, a refresh, a retry) finds it and changes nothing.
 */
export function submissionMarker(submission: Submission): TransactItem {
  return {
    Put: {
      Item: { ...keys.submission(submission.id), form: submission.form, by: submission.by, at: submission.at },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Records `writes` once for this submission; see transactOnce. Without a submission (an API call: no
 * rendered form) the writes are made as they are, 'refused' when one of their conditions does not hold.
 */
export function writeOnce(submission: Submission | undefined, writes: TransactItem[]): Promise<OnceOutcome> {
  return transactOnce(submission && submissionMarker(submission), writes);
}

/** What a person typed into a form without submitting it: the posted fields by name, kept until they submit. */
export interface Draft {
  values: Record<string, string>;
  savedAt: string;
}

export type DraftForm = 'self' | 'review';

/**
 * The draft typed on `inForce`, the version of the answers in force (0 before the first submission). A
 * submission leaves the draft in place, stale, instead of deleting it in its transaction (a write saved on every
 * submission); a draft saved afterwards from a page of an older version is stale too.
 */
export async function getDraft(
  cycleId: string,
  form: DraftForm,
  employeeId: string,
  inForce: number,
): Promise<Draft | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.draft(cycleId, form, employeeId), ConsistentRead: true }),
  );
  const item = result.Item;
  // A draft stored without `basedOn` is from before drafts carried it, when a submission deleted the draft.
  if (!item || (item.basedOn ?? inForce) !== inForce) return undefined;
  return { values: item.values as Record<string, string>, savedAt: item.savedAt as string };
}

/** Keeps the draft typed on version `basedOn` of the answers (0: none submitted yet), in place of any before it. */
export function saveDraft(
  submission: Submission,
  cycleId: string,
  form: DraftForm,
  employeeId: string,
  basedOn: number,
  values: Record<string, string>,
): Promise<OnceOutcome> {
  return writeOnce(submission, [
    {
      Put: {
        Item: { ...keys.draft(cycleId, form, employeeId), basedOn, values, savedAt: submission.at, by: submission.by },
      },
    },
  ]);
}

/** Whether a post with this id was recorded. */
export async function submissionRecorded(submissionId: string): Promise<boolean> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.submission(submissionId), ConsistentRead: true }),
  );
  return result.Item !== undefined;
}
