// @ts-check
/** The failures a call to the HR API ends in; a module of their own, so the DOM helpers can tell them apart without the client. */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string[]} details
   */
  constructor(status, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = details;
  }
}

/** Thrown after a 401: the session is gone and the sign-in page is on its way. */
export class SessionEnded extends Error {}
