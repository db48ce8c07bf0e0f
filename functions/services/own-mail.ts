import { flushOutbox, markedQueueClaim, queueClaim, sendQueuedNow, type FlushResult } from '#mail/outbox.ts';
import { queueMailOnce, type Claim, type MailRecord } from '#store/mail.ts';
import type { MailPort } from './ports.ts';

type OwnMailPorts = Pick<MailPort, 'queueMailOnce' | 'flushOutbox'> &
  Partial<Pick<MailPort, 'markClaim' | 'unmarkClaim'>>;

/**
 * The mail one workflow step or API call queues and then sends itself (a checkpoint's reminders, a release's
 * results, an acknowledgement's notes): each new mail is stored claimed by the sender, so sending it from memory
 * takes no claim write, as a launch's invitations do. A mail queued before (a rerun, a replayed post) is not this
 * sender's: a flush claims it like any other due mail.
 *
 * A workflow step's (given markClaim and unmarkClaim) is stored outside the outbox index, under one claim marker
 * written before its first mail and removed once flush() is done: should the step die first, the marker puts that
 * mail into the outbox when it falls due (store/mail.ts).
 */
export class OwnMail {
  private readonly claim: Claim;
  /** A workflow step's: its mail is stored under a claim marker (given ports to write and remove one). */
  private readonly marked: boolean;
  private marking?: Promise<void>;
  private readonly queued: MailRecord[] = [];
  /** Mail this sender asked to queue that was queued before: not its own, so claimed like any other. */
  private readonly queuedBefore: MailRecord[] = [];
  private readonly ports: OwnMailPorts;
  private readonly scope: string;

  constructor(ports: OwnMailPorts, scope: string) {
    this.ports = ports;
    this.scope = scope;
    this.marked = ports.markClaim !== undefined && ports.unmarkClaim !== undefined;
    this.claim = this.marked ? markedQueueClaim() : queueClaim();
  }

  /** Queues a mail once; false when it was queued before. */
  async queue(record: MailRecord): Promise<boolean> {
    if (this.marked) {
      this.marking ??= this.ports.markClaim?.(this.scope, this.claim);
      await this.marking;
    }
    const fresh = await this.ports.queueMailOnce(record, this.claim);
    (fresh ? this.queued : this.queuedBefore).push(record);
    return fresh;
  }

  /** Sends what this step queued, then whatever else of the scope is due; then its marker goes. */
  async flush(): Promise<FlushResult> {
    const flushed = await this.ports.flushOutbox(this.scope, { first: this.queued, claim: this.claim });
    if (this.marking) await this.ports.unmarkClaim?.(this.scope, this.claim.owner);
    return flushed;
  }

  /**
   * What an API call does: sends only what it asked to queue, while the person waits, never failing the call.
   * A replayed post so completes what its first try cut short; the claims keep anything from going twice.
   */
  async sendNow(): Promise<void> {
    await sendQueuedNow(this.scope, this.queued, this.claim);
    await sendQueuedNow(this.scope, this.queuedBefore);
  }
}

/** OwnMail on the table and SES, for a service that is not given ports (an API call's). */
export function ownMail(scope: string): OwnMail {
  return new OwnMail({ queueMailOnce, flushOutbox }, scope);
}
