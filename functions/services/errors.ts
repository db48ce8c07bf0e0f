import { RuleViolation } from '#domain/cycle.ts';

/** The caller named something that does not exist: answered with 404. */
export class NotFound extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFound';
  }
}

/** The request is valid but the cycle's state does not allow it (already cancelled, already submitted): 409. */
export class Conflict extends RuleViolation {
  constructor(message: string, details: string[] = []) {
    super(message, details);
    this.name = 'Conflict';
  }
}
