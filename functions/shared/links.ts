import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { linkExpiresAt, signLink, type LinkPurpose, type LinkUse } from '#domain/tokens.ts';
import { config } from './config.ts';
import { noteCall, observed } from './sdk-observer.ts';

let secret: Promise<string> | undefined;

/** The HMAC key for links: given directly locally, read once per cold start from Secrets Manager in AWS. */
export function linkSecret(): Promise<string> {
  const { LINK_SECRET, LINK_SECRET_ARN } = config();
  if (LINK_SECRET) {
    // What the function would read in AWS, told to the local call recorder each time (the cache is per process here, per function there).
    noteCall({ service: 'secretsmanager', operation: 'GetSecretValue', input: { SecretId: LINK_SECRET_ARN } });
    return Promise.resolve(LINK_SECRET);
  }
  secret ??= (async () => {
    const result = await observed(new SecretsManagerClient({}), 'secretsmanager').send(
      new GetSecretValueCommand({ SecretId: LINK_SECRET_ARN }),
    );
    if (!result.SecretString) throw new Error('link secret is empty');
    return result.SecretString;
  })();
  return secret;
}

const FORM_PATH: Record<LinkPurpose, string> = {
  self: '/forms/self',
  manager: '/forms/team',
  goals: '/forms/goals',
  results: '/forms/results',
  feedback: '/forms/feedback',
  peer: '/forms/peer',
  'peer-approval': '/forms/peer-approval',
  upward: '/forms/upward',
};

const baseUrl = () => config().BASE_URL.replace(/\/$/, '');

/** An absolute, signed link to a form, valid as long as its use needs (`linkExpiresAt`). */
export async function formLink(cycleId: string, personId: string, use: LinkUse, issuedAt: number): Promise<string> {
  const token = signLink(
    {
      cycleId,
      personId,
      purpose: use.purpose,
      expiresAt: linkExpiresAt(use, issuedAt),
      ...('aboutId' in use ? { aboutId: use.aboutId } : {}),
    },
    await linkSecret(),
  );
  return `${baseUrl()}${FORM_PATH[use.purpose]}?t=${encodeURIComponent(token)}`;
}

/** The HR console's pages HR emails link to (its hash routes in console/main.js); HR signs in first, then lands there. */
export const consoleLink = {
  home: () => `${baseUrl()}/console#/cycles`,
  cycle: (cycleId: string) => `${baseUrl()}/console#/cycles/${encodeURIComponent(cycleId)}`,
  goals: (period: string) => `${baseUrl()}/console#/goals?period=${encodeURIComponent(period)}`,
};
