import { CfnOutput, Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import type { PerfcycleConfig } from './config.ts';
import { Data, GSI_NAMES, indexShape } from './data.ts';
import { LinkSecret } from './link-secret.ts';
import { Mail } from './mail.ts';
import { Monitoring } from './monitoring.ts';
import type { PerfcycleFunction, SharedResources } from './perfcycle-function.ts';
import { GoalWatchWorkflow } from './goal-watch-workflow.ts';
import { OutboxFlusher } from './outbox-flusher.ts';
import { ReviewCycleWorkflow } from './review-cycle-workflow.ts';
import { TableUpgrade } from './table-upgrade.ts';

export interface PerfcycleStackProps extends StackProps {
  config: PerfcycleConfig;
}

export class PerfcycleStack extends Stack {
  readonly config: PerfcycleConfig;
  readonly data: Data;
  readonly linkSecret: LinkSecret;
  readonly mail: Mail;
  readonly workflow: ReviewCycleWorkflow;
  readonly goalWatch: GoalWatchWorkflow;
  readonly outboxFlusher: OutboxFlusher;
  readonly api: Api;
  readonly monitoring: Monitoring;
  /** Only in a stack whose table's template declares fewer indexes than the code reads (lib/config.ts). */
  readonly tableUpgrade?: TableUpgrade;
  /** Every function, keyed by its FunctionSpec id (lib/functions.ts). */
  readonly functions: Record<string, PerfcycleFunction>;

  constructor(scope: Construct, id: string, props: PerfcycleStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.data = new Data(this, 'Data', { stage: config.stage, templateIndexes: config.tableTemplateIndexes });
    this.linkSecret = new LinkSecret(this, 'LinkSecret', { stage: config.stage });
    this.mail = new Mail(this, 'Mail', { senderAddress: config.senderAddress });

    const shared: SharedResources = {
      config,
      table: this.data.table,
      linkSecret: this.linkSecret.secret,
      sender: this.mail.sender,
      // The workflow's functions are built before the API whose URL their links may use: resolved at synth.
      baseUrl: Lazy.string({ produce: () => this.api.publicUrl }),
    };

    // The workflow comes first: API functions that control it need its ARN (not the other way round).
    this.workflow = new ReviewCycleWorkflow(this, 'ReviewCycleWorkflow', { shared });
    this.api = new Api(this, 'Api', { shared, workflow: this.workflow });
    this.goalWatch = new GoalWatchWorkflow(this, 'GoalWatchWorkflow', { shared, reviewCycle: this.workflow });
    this.outboxFlusher = new OutboxFlusher(this, 'OutboxFlusher', { shared });

    this.functions = { ...this.api.functions };
    for (const fn of [
      ...Object.values(this.workflow.functions),
      ...Object.values(this.goalWatch.functions),
      this.outboxFlusher.function,
    ])
      this.functions[fn.spec.id] = fn;

    const undeclared = GSI_NAMES.slice(config.tableTemplateIndexes);
    if (undeclared.length) {
      this.tableUpgrade = new TableUpgrade(this, 'TableUpgrade', { shared, indexes: undeclared.map(indexShape) });
      // No function runs the new code before the indexes it reads exist and hold the items stored before.
      for (const fn of Object.values(this.functions)) fn.node.addDependency(this.tableUpgrade.beforeCode);
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      opsEmail: config.opsEmail,
      machines: [
        { label: 'ReviewCycle', stateMachine: this.workflow.stateMachine, stoppedByDesign: true },
        { label: 'DailyRun', stateMachine: this.goalWatch.stateMachine },
      ],
      functions: Object.values(this.functions),
      httpApi: this.api.httpApi,
      unsentMailThreshold: Duration.hours(1),
    });

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'GoalWatchStateMachineArn', { value: this.goalWatch.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'PublicUrl', { value: this.api.publicUrl, description: 'The origin of the links in emails' });
    if (this.api.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.domainName.regionalDomainName,
        description: `Point ${this.api.domainName.name} here (a CNAME, or a Route 53 alias)`,
      });
    }
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    // The managed login's base URL, read by `perfcycle login --stack <name>`.
    new CfnOutput(this, 'AuthDomain', { value: this.api.userPoolDomain.baseUrl() });

    // The second pass removes what only the old code read: it comes last, once every other resource is updated, so a
    // failure elsewhere rolls the deploy back before it, onto data the old code still reads whole.
    const { tableUpgrade } = this;
    if (tableUpgrade)
      tableUpgrade.afterCode.node.addDependency(...this.node.children.filter((child) => child !== tableUpgrade));
  }
}
