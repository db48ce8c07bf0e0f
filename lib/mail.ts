import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  senderAddress: string;
}

/**
 * The sender identity. SES emails a verification link to the address on deploy; sending works once it is
 * clicked (and, while the account is in the SES sandbox, only to verified recipients).
 */
export class Mail extends Construct {
  readonly sender: EmailIdentity;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.sender = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderAddress) });
  }
}
