/** A refused state change; `code` is the SAE error code the API would answer with. */
export class SaeStateError extends Error {
  override readonly name = 'SaeStateError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
