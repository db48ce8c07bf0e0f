import { giveFeedback, requestFeedback } from '#services/feedback.ts';
import { apiHandler, hrActor, json, parseJsonBody } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { feedbackRequestSchema, feedbackSchema } from './schemas.ts';

/**
 * POST /feedback `{ from, to, kind: praise|constructive, text }`: feedback on someone's behalf (an HR tool
 * or integration). POST /feedback/requests `{ from, to: [ids], message? }`: asks colleagues for feedback
 * on `from`; each gets an emailed link.
 */
export const handler = apiHandler(
  async (event) => {
    hrActor(event);
    if (event.routeKey === 'POST /feedback/requests') {
      const { from, to, message } = parseJsonBody(event, feedbackRequestSchema);
      const request = await requestFeedback(from, to, message);
      return json(201, {
        requestId: request.requestId,
        from: request.requesterId,
        to: request.colleagueIds,
        at: request.at,
      });
    }
    const { from, to, kind, text } = parseJsonBody(event, feedbackSchema);
    return json(201, await giveFeedback({ fromId: from, toId: to, kind, text }));
  },
  { sendsMail: true, idempotency: idempotencyKey() },
);
