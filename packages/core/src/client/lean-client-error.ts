/** An error of the lean client, with a stable `code` like undici's (the proxy maps the timeout codes). */
export class LeanClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'LeanClientError';
  }
}
