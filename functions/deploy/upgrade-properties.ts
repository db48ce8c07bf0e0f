import { z } from 'zod';

const keyAttribute = z.object({ AttributeName: z.string().min(1), KeyType: z.enum(['HASH', 'RANGE']) });

/** The table upgrade resource's properties (lib/table-upgrade.ts), as CloudFormation passes them. */
const schema = z.object({
  /** Before or after the functions' code update: the second pass rewrites what old functions wrote meanwhile. */
  pass: z.enum(['before-code', 'after-code']),
  /** How long calls the old code started may still run once the code is updated: the second pass waits for them. */
  drainSeconds: z.coerce.number().int().min(0).max(1800),
  indexes: z
    .array(
      z.object({
        IndexName: z.string().min(1),
        KeySchema: z.array(keyAttribute).min(1).max(2),
        Projection: z.object({
          ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']),
          NonKeyAttributes: z.array(z.string()).optional(),
        }),
      }),
    )
    .min(1),
});

export function upgradeProperties(properties: Record<string, unknown>): z.infer<typeof schema> {
  return schema.parse(properties);
}
