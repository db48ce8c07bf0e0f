import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_CALLBACK_PORT } from '../cli/login.ts';
import { apiFunctions, type RouteSpec } from './functions.ts';

const CLI_CALLBACK_URL = `http://localhost:${DEFAULT_CALLBACK_PORT}/callback`;
import { PerfcycleFunction, type ReviewCycleMachine, type SharedResources } from './perfcycle-function.ts';

export interface ApiProps {
  shared: SharedResources;
  /** For functions whose access names review-cycle actions. */
  workflow: ReviewCycleMachine;
}

export interface ApiRoute {
  functionId: string;
  spec: RouteSpec;
  route: HttpRoute;
}

/**
 * The HTTP API: HR routes behind a Cognito JWT authorizer, form routes public (they check the signed
 * link token themselves). One Lambda function per entry of `apiFunctions`, payload format 2.0.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly userPoolDomain: UserPoolDomain;
  /** With `domainName` and `certificateArn` in the context. */
  readonly domainName?: DomainName;
  /** Where people open links: the configured base URL (the custom domain's by default), else the API's own URL. */
  readonly publicUrl: string;
  readonly functions: Record<string, PerfcycleFunction> = {};
  readonly routes: ApiRoute[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { shared, workflow } = props;
    const prod = shared.config.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // HR accounts are created by an administrator; no self sign-up.
    this.userPool = new UserPool(this, 'HrUserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // HR sees everyone's reviews: a second factor is required. TOTP only (no SMS costs or SIM-swap risk).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: prod,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus plan (threat protection) is priced per active user; the pool holds a handful of HR administrators, created by an admin, with MFA required and a strong password policy.',
    });

    // Cognito's managed login for the HR console (authorization code with PKCE, no client secret in a browser).
    const consoleUrl = `${shared.baseUrl}/console`;
    this.userPoolDomain = this.userPool.addDomain('HrLogin', {
      cognitoDomain: { domainPrefix: `perfcycle-${shared.config.stage}-${Stack.of(this).account}` },
    });

    // Public client (no secret): used by the `perfcycle` CLI and the HR console.
    this.userPoolClient = this.userPool.addClient('HrClient', {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        // The console, and `perfcycle login`'s loopback (Cognito takes plain HTTP only for localhost, matched exactly).
        callbackUrls: [consoleUrl, CLI_CALLBACK_URL],
        logoutUrls: [consoleUrl],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const region = Stack.of(this).region;
    const authorizer = new HttpJwtAuthorizer(
      'HrJwtAuthorizer',
      `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`,
      {
        // Cognito ID tokens carry the client id in `aud`; access tokens in `client_id`, which API Gateway also accepts.
        jwtAudience: [this.userPoolClient.userPoolClientId],
      },
    );

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `perfcycle-${shared.config.stage}`,
      description: 'perfcycle: HR API and the employee/manager forms',
      // The default stage is created below, with access logs (the L2 default stage cannot have them).
      createDefaultStage: false,
    });

    this.publicUrl = shared.config.baseUrl ?? this.httpApi.apiEndpoint;

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Modest limits: the forms are public, and nothing here needs more.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey, not path or query string: the signed link tokens stay out of the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            hrUser: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const { customDomain } = shared.config;
    if (customDomain) {
      // Regional endpoint: the certificate is in the stack's region; DNS points the name at CustomDomainTarget.
      this.domainName = new DomainName(this, 'CustomDomain', {
        domainName: customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'CustomDomainCertificate', customDomain.certificateArn),
      });
      new ApiMapping(this, 'CustomDomainMapping', {
        api: this.httpApi,
        domainName: this.domainName,
        stage: this.stage,
      });
    }

    const functionScope = new Construct(this, 'Functions');
    for (const spec of apiFunctions) {
      const fn = new PerfcycleFunction(functionScope, spec.id, { spec, shared, reviewCycle: workflow });
      if (spec.assets) {
        fn.addEnvironment('CONSOLE_AUTH_DOMAIN', this.userPoolDomain.baseUrl());
        fn.addEnvironment('CONSOLE_CLIENT_ID', this.userPoolClient.userPoolClientId);
      }
      this.functions[spec.id] = fn;

      const integration = new HttpLambdaIntegration(`${spec.id}Integration`, fn);
      for (const routeSpec of spec.routes ?? []) {
        const [route] = this.httpApi.addRoutes({
          path: routeSpec.path,
          methods: [HttpMethod[routeSpec.method]],
          integration,
          authorizer: routeSpec.auth === 'hr' ? authorizer : undefined,
        });
        if (!route) throw new Error(`no route created for ${routeSpec.method} ${routeSpec.path}`);
        if (routeSpec.auth === 'public') {
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: spec.assets
              ? 'The HR console\u2019s static page, script and style: they hold no data; every call they make goes to the JWT-authorized HR routes.'
              : 'Form route for employees and managers, who have no account: the handler accepts only a signed, expiring, purpose-bound link token (HMAC), and POST needs the per-form token.',
          });
        }
        this.routes.push({ functionId: spec.id, spec: routeSpec, route });
      }
    }
  }

  /** The API's own URL (the `$default` stage is served at the root); it works with or without a custom domain. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
