/**
 * A seam for the local runtime: every shared AWS SDK client passes its commands to the observers registered
 * here. In Lambda nobody registers one and the middleware only checks an empty set. Locally the runtime
 * records each call per function, and a test proves the synthesized IAM policies allow them all.
 */
export interface ObservedCall {
  /** IAM service prefix: dynamodb, ses, states, secretsmanager. */
  service: string;
  /** The SDK command without its `Command` suffix: Query, TransactWriteItems, SendEmail. */
  operation: string;
  /** The command's input as the SDK received it (DynamoDB items unmarshalled by lib-dynamodb later, not yet). */
  input: Record<string, unknown>;
}

type Observer = (call: ObservedCall) => void;

// On globalThis: one set per process even if a module graph is loaded twice.
const key = Symbol.for('perfcycle.sdkObservers');
const registry = globalThis as typeof globalThis & Record<symbol, Set<Observer> | undefined>;
registry[key] ??= new Set<Observer>();
const observers = registry[key];

export function addSdkObserver(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Tells the observers of a call made without the SDK (locally, the link secret comes from the environment). */
export function noteCall(call: ObservedCall): void {
  for (const observer of observers) observer(call);
}

type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: Next, context: { commandName?: string }) => Next,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Adds the observing middleware to a client; answers the client. */
export function observed<C extends MiddlewareClient>(client: C, service: string): C {
  client.middlewareStack.add(
    (next: Next, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      if (observers.size)
        noteCall({
          service,
          operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          input: args.input,
        });
      return next(args);
    },
    { step: 'initialize', name: 'perfcycleSdkObserver' },
  );
  return client;
}
