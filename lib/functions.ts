/**
 * The one list of perfcycle's Lambda functions. CDK builds a NodejsFunction per entry, the HTTP API
 * gets a route per `routes` item, and the local runtime binds the same handlers by the same ids,
 * so a route or a workflow task can never exist in one place and not the other.
 */
import type { GSI_NAMES } from './data.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  /** `hr` routes need an HR identity (Cognito JWT in AWS, the printed token locally); `public` routes check a signed link instead. */
  auth: 'hr' | 'public';
}

export type TableIndex = (typeof GSI_NAMES)[number];
export type ReviewCycleAction = 'start' | 'stop' | 'describe';

/**
 * A function's access, declared once: lib/perfcycle-function.ts grants it, test/infra/bundles.test.ts checks it
 * against what the function's bundle can call, and the IAM proof evaluates every call the tests make against it.
 */
export interface Access {
  /** The one table: `read` (GetItem, BatchGetItem, Query) or `readWrite` (also PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem). */
  table?: 'read' | 'readWrite';
  /** The global secondary indexes it queries. */
  indexes?: TableIndex[];
  /** Sends mail (ses:SendEmail) from the organisation's sender identity. */
  mail?: true;
  /** Reads the secret that signs and verifies emailed links. */
  linkSecret?: true;
  /** What it does to review-cycle executions: start one, stop one, describe one. */
  reviewCycle?: ReviewCycleAction[];
  /** Upgrades the table in place: describes it, adds an index (UpdateTable), scans it. */
  tableUpgrade?: true;
}

export interface FunctionSpec {
  /** Construct id of the function; also how the local runtime finds the handler of a synthesized resource. */
  id: string;
  /** Handler file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  routes?: RouteSpec[];
  /** A folder (relative to the repository root) copied next to the bundle, for files the handler serves. */
  assets?: string;
  /** What the function touches in AWS: its role is granted exactly this, and nothing else (issue 12). */
  access: Access;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const apiFunctions: FunctionSpec[] = [
  {
    id: 'ImportEmployees',
    entry: 'functions/api/import-employees.ts',
    access: { table: 'readWrite', indexes: ['gsi3'] },
    description: 'Validates and applies an employee directory CSV',
    routes: [{ method: 'POST', path: '/employees/import', auth: 'hr' }],
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    id: 'Directory',
    entry: 'functions/api/directory.ts',
    access: { table: 'readWrite', indexes: ['gsi3'] },
    description: 'Lists the employee directory page by page; deactivates a leaver and activates them again',
    routes: [
      { method: 'GET', path: '/employees', auth: 'hr' },
      { method: 'POST', path: '/employees/{employeeId}/deactivate', auth: 'hr' },
      { method: 'POST', path: '/employees/{employeeId}/activate', auth: 'hr' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'LaunchCycle',
    entry: 'functions/api/launch-cycle.ts',
    access: { table: 'readWrite', indexes: ['gsi3'], reviewCycle: ['start'] },
    description: 'Creates a review cycle and starts its workflow',
    routes: [{ method: 'POST', path: '/cycles', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'Console',
    entry: 'functions/console/handler.ts',
    access: {},
    description: 'Serves the HR console\u2019s page, script and style (no data: the script calls the HR API)',
    routes: [
      // The API's root sends a browser to the console.
      { method: 'GET', path: '/', auth: 'public' },
      { method: 'GET', path: '/console', auth: 'public' },
      { method: 'GET', path: '/console/{file}', auth: 'public' },
    ],
    assets: 'console',
    timeoutSeconds: 10,
  },
  {
    id: 'Overview',
    entry: 'functions/api/overview.ts',
    access: { table: 'read', indexes: ['gsi2', 'gsi3'], linkSecret: true },
    description: 'HR overview: every cycle with its completion, goals at risk and missed, recent recognition',
    routes: [
      { method: 'GET', path: '/cycles', auth: 'hr' },
      { method: 'GET', path: '/goals/attention', auth: 'hr' },
      { method: 'GET', path: '/recognition', auth: 'hr' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'GetCycle',
    entry: 'functions/api/get-cycle.ts',
    access: { table: 'read', reviewCycle: ['describe'] },
    description: 'Phase, workflow health and counts by state, overall and per department, of a cycle',
    routes: [{ method: 'GET', path: '/cycles/{cycleId}', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'ExtendDeadline',
    entry: 'functions/api/extend-deadline.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true, reviewCycle: ['start', 'stop'] },
    description: 'Moves one participant\u2019s deadline',
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/extensions', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'CancelCycle',
    entry: 'functions/api/cancel-cycle.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, reviewCycle: ['stop'] },
    description: 'Cancels a running cycle and notifies its participants',
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/cancel', auth: 'hr' }],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  {
    id: 'ResumeCycle',
    entry: 'functions/api/resume-cycle.ts',
    access: { table: 'readWrite', reviewCycle: ['start', 'describe'] },
    description: 'Gives a cycle whose workflow failed or stopped a new execution, resuming from its stored state',
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/resume', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'ReleaseCycle',
    entry: 'functions/api/release-cycle.ts',
    access: { table: 'readWrite', reviewCycle: ['start', 'stop'] },
    description: "Releases a calibrated cycle's results when HR is done calibrating",
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/release', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'AdjustRatings',
    entry: 'functions/api/adjust-ratings.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true },
    description:
      'Calibration: HR sets final ratings with a reason, one at a time or from a file (whole or not at all), and tells each manager',
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/adjustments', auth: 'hr' }],
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    id: 'Reports',
    entry: 'functions/api/reports.ts',
    // The link secret signs the people pages' cursors.
    access: { table: 'read', indexes: ['gsi3'], linkSecret: true },
    description:
      'HR reports: a cycle\u2019s report (JSON, or the CSV), its per-person entries page by page, and one person\u2019s history across cycles',
    routes: [
      { method: 'GET', path: '/cycles/{cycleId}/report', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/report/people', auth: 'hr' },
      { method: 'GET', path: '/employees/{employeeId}/history', auth: 'hr' },
    ],
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  {
    id: 'Calibration',
    entry: 'functions/api/calibration.ts',
    // The link secret signs the participants' page cursors.
    access: { table: 'read', indexes: ['gsi5', 'gsi6'], linkSecret: true },
    description:
      'Ratings side by side for calibration: distributions per manager and department, outliers, missing reviews, participants page by page',
    routes: [{ method: 'GET', path: '/cycles/{cycleId}/calibration', auth: 'hr' }],
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  {
    id: 'CycleLists',
    entry: 'functions/api/cycle-lists.ts',
    // The link secret signs the lists' page cursors.
    access: { table: 'read', indexes: ['gsi3', 'gsi5', 'gsi6'], linkSecret: true },
    description:
      'A cycle\u2019s lists page by page: audit, overdue people, unacknowledged results, reviewers\u2019 progress, escalations sent; its goals',
    routes: [
      { method: 'GET', path: '/cycles/{cycleId}/audit', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/overdue', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/unacknowledged', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/teams', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/escalations', auth: 'hr' },
      { method: 'GET', path: '/cycles/{cycleId}/goals', auth: 'hr' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'Settings',
    entry: 'functions/api/settings.ts',
    access: { table: 'readWrite' },
    description: 'Reads, saves and patches the organisation settings (scale, template, timings), versioned',
    routes: [
      { method: 'GET', path: '/settings', auth: 'hr' },
      { method: 'PUT', path: '/settings', auth: 'hr' },
      { method: 'PATCH', path: '/settings', auth: 'hr' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'Feedback',
    entry: 'functions/api/feedback.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'Records feedback (praise public, constructive private) and feedback requests, and emails them',
    routes: [
      { method: 'POST', path: '/feedback', auth: 'hr' },
      { method: 'POST', path: '/feedback/requests', auth: 'hr' },
    ],
    timeoutSeconds: 60,
  },
  {
    id: 'FeedbackForm',
    entry: 'functions/forms/feedback.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'The page behind a feedback request link, where a colleague gives feedback once',
    routes: [
      { method: 'GET', path: '/forms/feedback', auth: 'public' },
      { method: 'POST', path: '/forms/feedback', auth: 'public' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'Peers',
    entry: 'functions/api/peers.ts',
    // gsi2: the outbox index its invitations are queued on.
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'Assigns peer reviewers to a participant while the self-assessment phase is open, and emails each',
    routes: [{ method: 'POST', path: '/cycles/{cycleId}/peers', auth: 'hr' }],
    timeoutSeconds: 30,
  },
  {
    id: 'PeerReviewForm',
    entry: 'functions/forms/peer-review.ts',
    access: { table: 'readWrite', linkSecret: true },
    description: 'The page behind a peer review link, where a colleague reviews one participant',
    routes: [
      { method: 'GET', path: '/forms/peer', auth: 'public' },
      { method: 'POST', path: '/forms/peer', auth: 'public' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'PeerNominationForm',
    entry: 'functions/forms/peer-nominations.ts',
    // gsi1: colleagues found by address; gsi2: the outbox index of the manager's email and the invitations.
    access: { table: 'readWrite', indexes: ['gsi1', 'gsi2'], mail: true, linkSecret: true },
    description:
      'Where a participant nominates peer reviewers (behind their self-assessment link) and their manager approves them with one click',
    routes: [
      { method: 'GET', path: '/forms/peer-nominations', auth: 'public' },
      { method: 'POST', path: '/forms/peer-nominations', auth: 'public' },
      { method: 'GET', path: '/forms/peer-approval', auth: 'public' },
      { method: 'POST', path: '/forms/peer-approval', auth: 'public' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'ResultsPage',
    entry: 'functions/forms/results.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description:
      'The employee\u2019s results page behind the emailed link: the whole appraisal and its acknowledgement',
    routes: [
      { method: 'GET', path: '/forms/results', auth: 'public' },
      { method: 'POST', path: '/forms/results', auth: 'public' },
    ],
    timeoutSeconds: 30,
  },
  {
    id: 'AddGoal',
    entry: 'functions/api/add-goal.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'Sets a goal for an employee',
    routes: [{ method: 'POST', path: '/employees/{employeeId}/goals', auth: 'hr' }],
    timeoutSeconds: 15,
  },
  {
    id: 'ListGoals',
    entry: 'functions/api/list-goals.ts',
    access: { table: 'read' },
    description: 'Goals of an employee with state, progress and outcome',
    routes: [{ method: 'GET', path: '/employees/{employeeId}/goals', auth: 'hr' }],
    timeoutSeconds: 15,
  },
  {
    id: 'UpdateGoal',
    entry: 'functions/api/update-goal.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'A check-in by HR or the manager, or the cancellation of a goal',
    routes: [
      { method: 'POST', path: '/employees/{employeeId}/goals/{goalId}/check-ins', auth: 'hr' },
      { method: 'POST', path: '/employees/{employeeId}/goals/{goalId}/cancel', auth: 'hr' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'SelfAssessmentForm',
    entry: 'functions/forms/self-assessment.ts',
    access: { table: 'readWrite', indexes: ['gsi5', 'gsi6'], linkSecret: true },
    description: 'Self-assessment form behind the signed invitation link',
    routes: [
      { method: 'GET', path: '/forms/self', auth: 'public' },
      { method: 'POST', path: '/forms/self', auth: 'public' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'UpwardReviewForm',
    entry: 'functions/forms/upward.ts',
    access: { table: 'readWrite', linkSecret: true },
    description: 'A report\u2019s anonymous review of their manager, behind the signed upward link',
    routes: [
      { method: 'GET', path: '/forms/upward', auth: 'public' },
      { method: 'POST', path: '/forms/upward', auth: 'public' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'ManagerReviewForm',
    entry: 'functions/forms/manager-review.ts',
    access: { table: 'readWrite', indexes: ['gsi2', 'gsi4', 'gsi5', 'gsi6'], mail: true, linkSecret: true },
    description: 'Team review page behind the signed manager link',
    routes: [
      { method: 'GET', path: '/forms/team', auth: 'public' },
      { method: 'POST', path: '/forms/team', auth: 'public' },
    ],
    timeoutSeconds: 15,
  },
  {
    id: 'GoalsPage',
    entry: 'functions/forms/goals.ts',
    access: { table: 'readWrite', indexes: ['gsi1', 'gsi2'], mail: true, linkSecret: true },
    description: 'An employee\u2019s goals page behind the signed link: progress, history and check-ins',
    routes: [
      { method: 'GET', path: '/forms/goals', auth: 'public' },
      { method: 'POST', path: '/forms/goals', auth: 'public' },
    ],
    timeoutSeconds: 15,
  },
];

/** Task functions of the review-cycle state machine, keyed by the role they play in it. */
export const workflowFunctions = {
  launch: {
    id: 'LaunchParticipants',
    entry: 'functions/workflow/launch.ts',
    access: { table: 'readWrite', indexes: ['gsi2', 'gsi3'], mail: true, linkSecret: true },
    description: 'Snapshots participants, creates assessments and sends invitations',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  checkpoint: {
    id: 'RunCheckpoint',
    entry: 'functions/workflow/checkpoint.ts',
    access: { table: 'readWrite', indexes: ['gsi1', 'gsi2', 'gsi5', 'gsi6'], mail: true, linkSecret: true },
    description: 'Sends what falls due (reminders, escalations, phase changes) and schedules the next checkpoint',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  release: {
    id: 'ReleaseResults',
    entry: 'functions/workflow/release-results.ts',
    access: { table: 'readWrite', indexes: ['gsi2', 'gsi3'], mail: true, linkSecret: true },
    description: 'Emails each participant the result of their review and closes the cycle',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  remindAcknowledgements: {
    id: 'RemindAcknowledgements',
    entry: 'functions/workflow/remind-acknowledgements.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true, linkSecret: true },
    description: 'Reminds once everyone whose released appraisal is still unacknowledged',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
} satisfies Record<string, FunctionSpec>;

/** The tasks of the daily state machine: the goal watch, the weekly recognition digest, then the sweep for stalled cycles. */
export const dailyFunctions = {
  resumeStalledCycles: {
    id: 'ResumeStalledCycles',
    entry: 'functions/workflow/resume-stalled-cycles.ts',
    access: { table: 'readWrite', indexes: ['gsi3'], reviewCycle: ['start', 'describe'] },
    description:
      'Daily: gives each active cycle whose workflow failed or stopped a new execution from its stored state',
    timeoutSeconds: 300,
  },
  goalWatch: {
    id: 'RunGoalWatch',
    entry: 'functions/workflow/goal-watch.ts',
    access: { table: 'readWrite', indexes: ['gsi1', 'gsi2'], mail: true, linkSecret: true },
    description: 'Daily goal watch: reminders, missed goals, at-risk flags and HR escalations that fall due',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  praiseDigest: {
    id: 'SendPraiseDigests',
    entry: 'functions/workflow/praise-digest.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true },
    description: 'Once a week: each team\u2019s recognition digest of the week before (praise only)',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
} satisfies Record<string, FunctionSpec>;

/** Functions a schedule invokes directly, every `everyMinutes`. */
export const scheduledFunctions = {
  flushOutboxes: {
    id: 'FlushOutboxes',
    entry: 'functions/workflow/flush-outboxes.ts',
    access: { table: 'readWrite', indexes: ['gsi2'], mail: true },
    description:
      'Every few minutes: sends queued mail that is due (retries after SES faults, mail a crashed sender left), drops a cancelled cycle\u2019s',
    // Runs once a quarter of an hour for up to all of it (each run sends until a minute before its timeout): mail
    // SES refused waits up to 15 minutes for its retry, and a quarter costs a third of the runs it did every 5.
    timeoutSeconds: 900,
    memoryMb: 1024,
    everyMinutes: 15,
  },
} satisfies Record<string, FunctionSpec & { everyMinutes: number }>;

/**
 * The table upgrade's custom resource (lib/table-upgrade.ts), in a stack whose template declares fewer indexes
 * than the code reads: its start, then its steps until done.
 */
export const upgradeFunctions = {
  start: {
    id: 'UpgradeTableStart',
    entry: 'functions/deploy/upgrade-table.ts',
    access: {},
    description: 'Deploy: starts the table upgrade (the custom resource created, updated or deleted)',
    timeoutSeconds: 10,
  },
  step: {
    id: 'UpgradeTableStep',
    entry: 'functions/deploy/upgrade-table-step.ts',
    access: { table: 'readWrite', tableUpgrade: true },
    description:
      'Deploy: the table upgrade\u2019s next step (an index added, or items stored before rewritten into the lists)',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
} satisfies Record<string, FunctionSpec>;

export const allFunctions: FunctionSpec[] = [
  ...apiFunctions,
  ...Object.values(workflowFunctions),
  ...Object.values(dailyFunctions),
  ...Object.values(scheduledFunctions),
];
