import { draftValues, postedSelfAnswers, selfAnswersSchema, selfFieldNames } from '#domain/review-form.ts';
import {
  answersDraft,
  openSelfAssessment,
  storedAssessment,
  withAnswers,
  type SelfAssessmentOpen,
} from '#services/form-pages.ts';
import type { Unavailable } from '#services/unavailable.ts';
import { saveAnswersDraft, submitSelfAssessment } from '#services/submissions.ts';
import type { HttpEvent } from '#shared/http.ts';
import { peerNominationSection } from '../views/peer-review.ts';
import { selfAssessmentForm, selfAssessmentSubmitted } from '../views/self-assessment.ts';
import {
  formFields,
  formRoutes,
  type FormRouteTable,
  htmlPage,
  linkToken,
  messagePage,
  noticeOf,
  postedVersion,
  readFormPost,
  seeOther,
  unavailablePage,
} from './form-handler.ts';

const NOTICES = {
  submitted: 'Thank you: your self-assessment is submitted.',
  edited: 'Your changes are submitted: this version is the one your manager reads.',
  recorded: 'Your self-assessment was already saved from this page; it was recorded once.',
  'draft-saved': 'Your draft is saved. It is not submitted yet: come back to it with the link in your email.',
};

const CLOSED = (cycle: { name: string }) =>
  messagePage(409, 'This review cycle is closed', `"${cycle.name}" no longer accepts self-assessments.`);

const UNAVAILABLE = (opened: Unavailable) =>
  unavailablePage(
    opened,
    { title: 'Review not found', message: 'This review no longer exists. Please ask HR.' },
    ' Nothing more is needed from you.',
  );

/**
 * Shows the form (never changes anything: mail scanners prefetch links), with the draft or the submitted
 * answers in place while they can still change.
 */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const self = await openSelfAssessment(token);
  if (self.state !== 'open') return UNAVAILABLE(self);
  const notice = noticeOf(event, NOTICES);
  if (self.window === 'closed' && self.assessment.selfStatus !== 'SUBMITTED') return CLOSED(self.cycle);
  const [assessment, draft] = await Promise.all([
    withAnswers(self.assessment, { self: true }),
    self.window === 'closed' ? undefined : answersDraft(self.cycle, 'self', self.assessment),
  ]);
  if (self.window === 'closed') return htmlPage(200, selfAssessmentSubmitted(self.cycle, assessment, notice));
  const peers = peerNominationSection(self.cycle, token, self.now);
  return htmlPage(200, selfAssessmentForm({ ...self, assessment }, await formFields(token), { draft, notice, peers }));
}

/** Saves a draft or submits, each rendered form once, and answers with a redirect to the form (Post/Redirect/Get). */
async function submit(event: HttpEvent) {
  const posted = await readFormPost(event);
  const self = await openSelfAssessment(posted.token, { forPost: true });
  if (self.state !== 'open') return UNAVAILABLE(self);
  const { cycle, assessment, goals } = self;
  const field = (name: string) => posted.fields.get(name);
  const values = draftValues(selfFieldNames(cycle, goals), field);
  if (field('action') === 'draft') {
    const outcome = await saveAnswersDraft(cycle, assessment, 'self', values, {
      submissionId: posted.submissionId,
      basedOn: postedVersion(posted),
    });
    return outcome === 'closed' ? CLOSED(cycle) : seeOther('/forms/self', posted.token, { notice: 'draft-saved' });
  }
  const refused = async (status: number, page: SelfAssessmentOpen, errors: string[]) =>
    htmlPage(
      status,
      selfAssessmentForm(
        { ...page, assessment: await withAnswers(page.assessment, { self: true }) },
        await formFields(posted.token),
        {
          values,
          errors,
        },
      ),
    );
  const parsed = selfAnswersSchema(cycle, goals).safeParse(postedSelfAnswers(cycle, goals, field));
  if (!parsed.success)
    return refused(
      400,
      self,
      parsed.error.issues.map((issue) => issue.message),
    );
  const outcome = await submitSelfAssessment(cycle, assessment, parsed.data, {
    submissionId: posted.submissionId,
    basedOn: postedVersion(posted),
  });
  if (outcome === 'closed') return CLOSED(cycle);
  if (outcome === 'changed-meanwhile') {
    const stored = await storedAssessment(cycle, assessment.employeeId);
    if (!stored) return UNAVAILABLE({ state: 'gone' });
    return refused(409, { ...self, assessment: stored }, [
      'Your self-assessment changed after this page was opened (from another window, or an earlier post from this page), so nothing from this page was saved. Your answers from this page are below: submit them again to replace it.',
    ]);
  }
  return seeOther('/forms/self', posted.token, { notice: outcome === 'duplicate' ? 'recorded' : outcome });
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/self': show, 'POST /forms/self': submit } satisfies FormRouteTable;

export const handler = formRoutes(routes);
