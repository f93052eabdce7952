/** Exit codes of `port-registry`: found, not found or no answer, bad input. */
export const EXIT_FOUND = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure the command reports as one line on stderr, ending with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }

  static usage(message: string): CliError {
    return new CliError(message, EXIT_USAGE);
  }

  static notFound(message: string): CliError {
    return new CliError(message, EXIT_NOT_FOUND);
  }

  static failed(message: string): CliError {
    return new CliError(message, EXIT_FAILED);
  }
}

/** One line about a thrown value: its message, else its code (an AggregateError of sockets). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let message = error.message.replace(/\s+/g, ' ').trim();
  if (message === '' && error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    if (first !== undefined) message = describeError(first);
  }
  if (message === '') message = typeof code === 'string' ? code : error.name;
  return message;
}
