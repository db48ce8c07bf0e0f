import type { Node } from 'constructs';

export type Stage = 'dev' | 'prod';

/** Deployment settings, read from CDK context (cdk.json or `-c key=value`). */
export interface PerfcycleConfig {
  stage: Stage;
  /** Verified SES sender; becomes MAIL_FROM. */
  senderAddress: string;
  /** HR's mailbox for escalations and reports; becomes HR_EMAIL. */
  hrAddress: string;
  /** Who is told when an alarm goes off (an email subscription to the alarm topic). */
  opsEmail: string;
  /**
   * Public origin used in email links, without a trailing slash; becomes BASE_URL. Optional: it defaults to
   * `https://<domainName>` with a custom domain, else to the HTTP API's own URL (resolved in the template).
   */
  baseUrl?: string;
  /** A custom domain for the HTTP API, with `certificateArn` (an ACM certificate for it, in the stack's region). */
  customDomain?: { domainName: string; certificateArn: string };
  /** IANA time zone for dates in emails and deadlines; becomes ORG_TIME_ZONE. */
  orgTimeZone: string;
  /** The organisation's name: emails come from it until HR sets another sender name; becomes ORG_NAME. */
  orgName: string;
  /** Emails per second the account's SES quota allows (a new account: 14); becomes SES_MAX_SEND_RATE. */
  sesMaxSendRate: number;
  /**
   * How many of the table's indexes its template declares: 6, or 3 for a stack first deployed with three (before
   * the keys-only lists), whose other indexes a custom resource adds, one at a time (lib/table-upgrade.ts). A
   * stack keeps its value for good: CloudFormation adds or removes one index per deploy.
   */
  tableTemplateIndexes: TableTemplateIndexes;
}

export const TABLE_TEMPLATE_INDEXES = [3, 6] as const;
export type TableTemplateIndexes = (typeof TABLE_TEMPLATE_INDEXES)[number];

/** A new SES account's production quota; raise the context value when AWS raises the account's. */
const DEFAULT_SES_MAX_SEND_RATE = 14;

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/**
 * Reads and validates the context once, so a typo fails `cdk synth` with a message that names
 * the key instead of deploying functions whose config check fails at their first invocation.
 */
export function readConfig(node: Node): PerfcycleConfig {
  const problems: string[] = [];
  const text = (key: string): string => {
    const value: unknown = node.tryGetContext(key);
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`context "${key}" is required (a non-empty string), got ${JSON.stringify(value)}`);
      return '';
    }
    return value.trim();
  };

  const stage = text('stage');
  if (stage && stage !== 'dev' && stage !== 'prod') {
    problems.push(`context "stage" must be "dev" or "prod", got "${stage}"`);
  }

  const email = (key: string): string => {
    const value = text(key);
    if (value && !EMAIL.test(value)) problems.push(`context "${key}" must be an email address, got "${value}"`);
    return value;
  };
  const senderAddress = email('senderAddress');
  const hrAddress = email('hrAddress');
  const opsEmail = email('opsEmail');

  const optionalText = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return text(key);
  };

  const domainName = optionalText('domainName');
  const certificateArn = optionalText('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    problems.push('context "domainName" and "certificateArn" go together: give both for a custom domain, or neither');
  }
  if (domainName && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domainName)) {
    problems.push(`context "domainName" must be a host name such as "reviews.example.com", got "${domainName}"`);
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    problems.push(`context "certificateArn" must be an ACM certificate ARN, got "${certificateArn}"`);
  }

  let baseUrl = optionalText('baseUrl') ?? (domainName ? `https://${domainName}` : undefined);
  if (baseUrl) {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      problems.push(`context "baseUrl" must be an absolute https URL, got "${baseUrl}"`);
    }
    if (url && (url.protocol !== 'https:' || url.search || url.hash)) {
      problems.push(`context "baseUrl" must be an https URL without query or fragment, got "${baseUrl}"`);
    }
    // Handlers append paths (`${BASE_URL}/forms/self?...`), so drop trailing slashes here.
    baseUrl = baseUrl.replace(/\/+$/, '');
  }

  const orgTimeZone = text('orgTimeZone');
  if (orgTimeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: orgTimeZone });
    } catch {
      problems.push(`context "orgTimeZone" must be an IANA time zone (e.g. "Europe/Paris"), got "${orgTimeZone}"`);
    }
  }

  const orgName = text('orgName');
  if (orgName.length > 80) problems.push(`context "orgName" must be at most 80 characters, got ${orgName.length}`);

  const rate: unknown = node.tryGetContext('sesMaxSendRate') ?? DEFAULT_SES_MAX_SEND_RATE;
  const sesMaxSendRate = typeof rate === 'string' && rate.trim() !== '' ? Number(rate) : rate;
  if (
    typeof sesMaxSendRate !== 'number' ||
    !Number.isInteger(sesMaxSendRate) ||
    sesMaxSendRate < 1 ||
    sesMaxSendRate > 10_000
  ) {
    problems.push(
      `context "sesMaxSendRate" must be a whole number of emails per second from 1 to 10000 (the account's SES quota), got ${JSON.stringify(rate)}`,
    );
  }

  const declared: unknown = node.tryGetContext('tableTemplateIndexes') ?? 6;
  const tableTemplateIndexes = Number(declared);
  if (!TABLE_TEMPLATE_INDEXES.some((allowed) => allowed === tableTemplateIndexes) || declared === '') {
    problems.push(
      `context "tableTemplateIndexes" must be 6, or 3 for a stack first deployed with three indexes, got ${JSON.stringify(declared)}`,
    );
  }

  if (problems.length > 0) {
    throw new Error(`Invalid perfcycle configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    stage: stage as Stage,
    senderAddress,
    hrAddress,
    opsEmail,
    ...(baseUrl ? { baseUrl } : {}),
    ...(domainName && certificateArn ? { customDomain: { domainName, certificateArn } } : {}),
    orgTimeZone,
    orgName,
    sesMaxSendRate: sesMaxSendRate as number,
    tableTemplateIndexes: tableTemplateIndexes as TableTemplateIndexes,
  };
}
