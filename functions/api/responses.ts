/**
 * The body of every HR API route's answer, keyed by its route key (`METHOD /path` as in lib/functions.ts and
 * API Gateway's `routeKey`). Types only: the handlers' route tables (./routes.ts) are checked against them,
 * and the CLI imports them type-only, so nothing of the server runs in it. Errors answer `ApiError` instead.
 */
import type { Phase } from '#domain/cycle.ts';
import type { adjustRating, adjustRatingsFromFile } from '#services/adjustments.ts';
import type { calibrationView } from '#services/calibration.ts';
import type { listEmployees, setEmployeeActive } from '#services/employees.ts';
import type { giveFeedback } from '#services/feedback.ts';
import type { PeerAssignmentResult } from '#services/peers.ts';
import type { addGoal, goalsOf } from '#services/goals.ts';
import type { importRoster } from '#services/import-roster.ts';
import type { cycleList, goalsNeedingAttention, recentRecognition } from '#services/overview.ts';
import type { cycleReport, personHistory, reportPeoplePage } from '#services/report.ts';
import type { SettingsInForce, SettingsSaved } from '#services/settings.ts';
import type {
  auditEventsPage,
  cycleGoals,
  escalationsSentPage,
  overduePage,
  teamsPage,
  unacknowledgedPage,
} from '#services/lists.ts';
import type { cycleStatus } from '#services/status.ts';
import type { releaseCycle, resumeCycle } from '#services/steer.ts';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/** What every refusal and failure answers (4xx, 5xx): what went wrong, and each reason. */
export interface ApiError {
  error: string;
  details: string[];
}

export type ImportResult = Result<typeof importRoster>;
/** A saved import; a part of one (`?part=&parts=`) also names the part and the file's `valid` rows. */
export type ImportSaved = Exclude<ImportResult, { dryRun: boolean }> & {
  part?: number;
  parts?: number;
  valid?: number;
};
export type DirectoryPage = Result<typeof listEmployees>;
export type EmployeeActivation = Result<typeof setEmployeeActive>;

/** A launched cycle: its deadlines as ISO instants, its timings in milliseconds. */
export interface LaunchedCycle {
  cycleId: string;
  name: string;
  phase: Phase;
  selfDue: string;
  managerDue: string;
  calibrationDue: string | null;
  timeZone: string;
  reminderLeadMs: number;
  hrGraceMs: number;
  /** Possible mistakes that did not stop the launch. */
  warnings: string[];
}

export interface CycleList {
  cycles: Result<typeof cycleList>;
}
export type GoalsNeedingAttention = Result<typeof goalsNeedingAttention>;
export interface Recognition {
  recognition: Result<typeof recentRecognition>;
}
export type CycleStatus = Result<typeof cycleStatus>;

export interface Extension {
  cycleId: string;
  employeeId: string;
  /** The new deadline, an ISO instant. */
  until: string;
  /** Present when the request named it; `manager` reopened the manager review. */
  review?: 'self' | 'manager';
}

export interface Cancellation {
  cycleId: string;
  phase: 'CANCELLED';
  notified: number;
}
export type Resumption = { cycleId: string } & Result<typeof resumeCycle>;
export type Release = { cycleId: string } & Result<typeof releaseCycle>;

export type Adjustment = Result<typeof adjustRating>;
export type AdjustmentFile = Result<typeof adjustRatingsFromFile>;

export type CycleReport = Result<typeof cycleReport>;
export type ReportPeoplePage = Result<typeof reportPeoplePage>;
export interface PersonHistory {
  employeeId: string;
  cycles: Result<typeof personHistory>;
}
export type CalibrationView = Result<typeof calibrationView>;
/** The first page (no `cursor`) also carries the figures, who is missing a review, and where they were counted from. */
export type CalibrationFirstPage = CalibrationView & Required<Pick<CalibrationView, 'source' | 'figures' | 'missing'>>;
export type AuditPage = Result<typeof auditEventsPage>;
export type OverduePage = Result<typeof overduePage>;
export type UnacknowledgedPage = Result<typeof unacknowledgedPage>;
export type TeamsPage = Result<typeof teamsPage>;
export type EscalationsPage = Result<typeof escalationsSentPage>;
export type CycleGoals = Result<typeof cycleGoals>;

/** The settings in force: version 0 (never saved) is the defaults. `settings` is the document as saved. */
export interface SettingsVersion {
  version: number;
  savedAt: SettingsInForce['savedAt'];
  savedBy: SettingsInForce['savedBy'];
  settings: SettingsInForce['document'];
}
/** A save: `saved` false when the document equalled the version in force, `changes` one line each. */
export type SettingsSave = SettingsVersion & Pick<SettingsSaved, 'saved' | 'changes'>;

export type Feedback = Result<typeof giveFeedback>;
export interface FeedbackRequest {
  requestId: string;
  from: string;
  to: string[];
  at: string;
}

/** A goal as stored, its due instant as an ISO string. */
export type Goal = Omit<Result<typeof addGoal>, 'dueAt'> & { dueAt: string };
export interface GoalList {
  goals: Result<typeof goalsOf>;
}

export interface ApiResponses {
  'POST /employees/import': ImportResult;
  'GET /employees': DirectoryPage;
  'POST /employees/{employeeId}/deactivate': EmployeeActivation;
  'POST /employees/{employeeId}/activate': EmployeeActivation;
  'POST /cycles': LaunchedCycle;
  'GET /cycles': CycleList;
  'GET /goals/attention': GoalsNeedingAttention;
  'GET /recognition': Recognition;
  'GET /cycles/{cycleId}': CycleStatus;
  'POST /cycles/{cycleId}/extensions': Extension;
  'POST /cycles/{cycleId}/peers': PeerAssignmentResult;
  'POST /cycles/{cycleId}/cancel': Cancellation;
  'POST /cycles/{cycleId}/resume': Resumption;
  'POST /cycles/{cycleId}/release': Release;
  'POST /cycles/{cycleId}/adjustments': Adjustment | AdjustmentFile;
  /** JSON; with `?format=csv` the same report as a CSV file instead. */
  'GET /cycles/{cycleId}/report': CycleReport;
  'GET /cycles/{cycleId}/report/people': ReportPeoplePage;
  'GET /employees/{employeeId}/history': PersonHistory;
  'GET /cycles/{cycleId}/calibration': CalibrationView;
  'GET /cycles/{cycleId}/audit': AuditPage;
  'GET /cycles/{cycleId}/overdue': OverduePage;
  'GET /cycles/{cycleId}/unacknowledged': UnacknowledgedPage;
  'GET /cycles/{cycleId}/teams': TeamsPage;
  'GET /cycles/{cycleId}/escalations': EscalationsPage;
  'GET /cycles/{cycleId}/goals': CycleGoals;
  'GET /settings': SettingsVersion;
  'PUT /settings': SettingsSave;
  'PATCH /settings': SettingsSave;
  'POST /feedback': Feedback;
  'POST /feedback/requests': FeedbackRequest;
  'POST /employees/{employeeId}/goals': Goal;
  'GET /employees/{employeeId}/goals': GoalList;
  'POST /employees/{employeeId}/goals/{goalId}/check-ins': Goal;
  'POST /employees/{employeeId}/goals/{goalId}/cancel': Goal;
}

export type ApiRoute = keyof ApiResponses;

/** The local stack's clock routes (local/api-server.ts), which the CLI also calls. */
export interface LocalClockResponses {
  'GET /local/clock': { now: string };
  'POST /local/clock/advance': { now: string };
}

/** Every route a client (the CLI, the console) calls, with what it answers. */
export type ClientResponses = ApiResponses & LocalClockResponses;
export type ClientRoute = keyof ClientResponses;

/** The `{name}` parameters in a route's path. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The `params` a request to `route` carries: a value for each of its path parameters, none for a route without. */
export type RouteParams<R extends string> = [ParamNames<R>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<R>, string> };
