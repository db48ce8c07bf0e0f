import {
  auditEventsPage,
  cycleGoals,
  escalationsSentPage,
  overduePage,
  teamsPage,
  unacknowledgedPage,
} from '#services/lists.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import {
  cycleIdSchema,
  overdueQuerySchema,
  pageQuerySchema,
  peopleQuerySchema,
  departmentPageQuerySchema,
} from './schemas.ts';

/**
 * HR's lists of a cycle, each a page at a time (`?limit=&cursor=`, the cursor being the page before's
 * `nextCursor`): the audit, who is overdue, unacknowledged results, each reviewer's progress, the escalations
 * sent, and the missed goals of its period (with the goals' counts by outcome).
 */
export const handler = apiRoutes({
  'GET /cycles/{cycleId}/audit': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    return json(200, await auditEventsPage(cycleId, pageQuerySchema.parse(event.queryStringParameters ?? {})));
  },
  'GET /cycles/{cycleId}/overdue': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { phase, department, manager, search, limit, cursor } = overdueQuerySchema.parse(
      event.queryStringParameters ?? {},
    );
    return json(200, await overduePage(cycleId, { phase, department, managerKey: manager, search }, { limit, cursor }));
  },
  'GET /cycles/{cycleId}/unacknowledged': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { department, manager, search, limit, cursor } = peopleQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await unacknowledgedPage(cycleId, { department, managerKey: manager, search }, { limit, cursor }));
  },
  'GET /cycles/{cycleId}/teams': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { department, limit, cursor } = departmentPageQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await teamsPage(cycleId, department, { limit, cursor }));
  },
  'GET /cycles/{cycleId}/escalations': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    return json(200, await escalationsSentPage(cycleId, pageQuerySchema.parse(event.queryStringParameters ?? {})));
  },
  'GET /cycles/{cycleId}/goals': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { department, limit, cursor } = departmentPageQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await cycleGoals(cycleId, department, { limit, cursor }));
  },
});
