import * as z from 'zod';
import { isValidTimeZone } from '#domain/time.ts';

/**
 * Everything a handler needs from its environment, validated once per cold start. The same code runs in
 * Lambda and locally: locally the endpoints point at DynamoDB Local, the mailbox and the local runner,
 * and the link secret comes directly instead of from Secrets Manager.
 */
const configSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    MAIL_FROM: z.string().min(3),
    HR_EMAIL: z.string().min(3),
    BASE_URL: z.url(),
    ORG_TIME_ZONE: z.string().default('UTC').refine(isValidTimeZone, 'ORG_TIME_ZONE is not an IANA time zone'),
    /** The organisation's name, the sender name of its emails until HR saves another. */
    ORG_NAME: z.string().trim().min(1).max(80),
    LINK_SECRET: z.string().min(32).optional(),
    LINK_SECRET_ARN: z.string().min(1).optional(),
    STATE_MACHINE_ARN: z.string().min(1).optional(),
    DYNAMODB_ENDPOINT: z.url().optional(),
    SES_ENDPOINT: z.url().optional(),
    SFN_ENDPOINT: z.url().optional(),
    MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
    /** Emails per second across every sender (SES's account quota); 0: no limit (the local mailbox has none). */
    SES_MAX_SEND_RATE: z.coerce.number().int().min(0).max(10_000).default(0),
    /** How long one send may take before the SDK gives up on that attempt (SES hanging is a transient fault). */
    MAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /**
     * How long a claim on a queued email holds before another flusher may take it over (the sender crashed).
     * Far above one send's longest run (4 attempts of MAIL_SEND_TIMEOUT_MS plus backoff), so a live sender never loses it.
     */
    MAIL_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  })
  .refine((env) => env.LINK_SECRET || env.LINK_SECRET_ARN, 'LINK_SECRET or LINK_SECRET_ARN is required');

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= configSchema.parse(process.env);
  return cached;
}
