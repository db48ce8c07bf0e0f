import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listen } from '../../local/stack.ts';

/**
 * An SES stand-in with faults, put between the handlers and the local mailbox: it forwards SESv2 calls to
 * the mailbox (with no mailbox to forward to, it accepts them itself), or refuses connections, answers an error for chosen recipients, throttles a share of calls,
 * or hangs. It counts what the mailbox accepted per recipient, outside the stack, so a test can tell
 * delivered from lost and duplicated.
 */
export interface SesFaults {
  url: string;
  forwardTo(upstream: string): void;
  /** Closes the port: senders get ECONNREFUSED until `accept()`. */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  /** These recipients (besides any named before) get this error on every call, until `heal()`. */
  failFor(recipients: string[], error: { status: number; type: string }): void;
  /** This share (0..1) of calls answers 429 TooManyRequestsException, drawn from a fixed seed. */
  throttle(share: number): void;
  /** Every call is answered this much later (a slow SES), until `heal()`. */
  slow(delayMs: number): void;
  /** Calls get no answer at all until `heal()`. */
  hang(): void;
  heal(): void;
  /** Recipient -> how many messages the mailbox accepted for them through this stand-in. */
  delivered: Map<string, number>;
  /** Every accepted message, in order, with when it arrived (epoch ms). */
  accepted: { to: string; subject: string; at: number }[];
  calls: number;
  close(): Promise<void>;
}

export async function startSesFaults(): Promise<SesFaults> {
  let upstream = '';
  const failing = new Map<string, { status: number; type: string }>();
  let throttleShare = 0;
  let hanging = false;
  let delayMs = 0;
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  const random = seeded(42);

  const answerError = (response: ServerResponse, status: number, type: string) => {
    response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    response.end(JSON.stringify({ message: `${type} (injected by the test)` }));
  };

  const faults: SesFaults = {
    url: '',
    delivered: new Map(),
    accepted: [],
    calls: 0,
    forwardTo: (url) => {
      upstream = url;
    },
    refuse: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
    accept: async () => void (await listen(server, port)),
    failFor: (recipients, error) => {
      for (const to of recipients) failing.set(to, error);
    },
    throttle: (share) => {
      throttleShare = share;
    },
    hang: () => {
      hanging = true;
    },
    slow: (ms) => {
      delayMs = ms;
    },
    heal: () => {
      failing.clear();
      throttleShare = 0;
      hanging = false;
      delayMs = 0;
      for (const response of held.splice(0)) response.destroy();
    },
    close: async () => {
      faults.heal();
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const body = await new Promise<string>((done) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => done(text));
    });
    faults.calls++;
    const arrivedAt = Date.now();
    const call = JSON.parse(body || '{}');
    const to: string = call?.Destination?.ToAddresses?.[0] ?? '';
    const accept = () => {
      faults.delivered.set(to, (faults.delivered.get(to) ?? 0) + 1);
      faults.accepted.push({ to, subject: call?.Content?.Simple?.Subject?.Data ?? '', at: arrivedAt });
    };
    if (hanging) return void held.push(response);
    if (delayMs) await new Promise((done) => setTimeout(done, delayMs));
    const failure = failing.get(to);
    if (failure) return answerError(response, failure.status, failure.type);
    if (throttleShare && random() < throttleShare) return answerError(response, 429, 'TooManyRequestsException');
    if (!upstream) {
      accept();
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ MessageId: `stand-in-${faults.calls}` }));
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
    ) as Record<string, string>;
    const forwarded = await fetch(`${upstream}${request.url}`, { method: request.method, headers, body });
    const answer = await forwarded.text();
    if (forwarded.ok) accept();
    response.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? 'application/json',
    });
    response.end(answer);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, 0);
  faults.url = `http://127.0.0.1:${port}`;
  return faults;
}

/** mulberry32: the same throttling pattern on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
