import { giveFeedback, requestFeedback } from '#services/feedback.ts';
import { hrActor, json, parseJsonBody } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { feedbackRequestSchema, feedbackSchema } from './schemas.ts';

/**
 * POST /feedback `{ from, to, kind: praise|constructive, text }`: feedback on someone's behalf (an HR tool
 * or integration). POST /feedback/requests `{ from, to: [ids], message? }`: asks colleagues for feedback
 * on `from`; each gets an emailed link.
 */
export const handler = apiRoutes(
  {
    'POST /feedback': async (event) => {
      hrActor(event);
      const { from, to, kind, text } = parseJsonBody(event, feedbackSchema);
      return json(201, await giveFeedback({ fromId: from, toId: to, kind, text }));
    },
    'POST /feedback/requests': async (event) => {
      hrActor(event);
      const { from, to, message } = parseJsonBody(event, feedbackRequestSchema);
      const request = await requestFeedback(from, to, message);
      return json(201, {
        requestId: request.requestId,
        from: request.requesterId,
        to: request.colleagueIds,
        at: request.at,
      });
    },
  },
  { sendsMail: true, idempotency: idempotencyKey() },
);
