import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Stage } from './config.ts';

export interface LinkSecretProps {
  stage: Stage;
}

/** HMAC key of the signed, expiring links in emails; handlers read it through LINK_SECRET_ARN. */
export class LinkSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: LinkSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'perfcycle: HMAC key signing the form links sent by email',
      // The whole SecretString is the key: 64 characters, no punctuation so it is safe in any config format.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing the key in prod would invalidate every link already in people's inboxes.
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the link-signing key would invalidate every link already emailed mid-cycle (links live for the whole cycle); links expire on their own and carry a per-purpose HMAC.',
    });
  }
}
