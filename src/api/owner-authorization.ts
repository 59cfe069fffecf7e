import { z } from 'zod';

import { InvalidRequestError, expectingField, parseRequestPart } from './workflow-schemas';

/** How far ahead of the server's clock a signature's deadline may be, in seconds. */
export const MAX_SIGNATURE_LIFETIME_SECONDS = 3_600;

/** An owner's EIP-712 signature from a request body, with the deadline it signed. */
export interface OwnerAuthorization {
  /** 0x and 130 hex digits: r, s and v of an ECDSA signature. */
  signature: string;
  /** Unix seconds after which the signature no longer counts. */
  deadline: bigint;
}

/** Thrown when a signature's deadline has passed (checked by the API, or by the registry on-chain). */
export class SignatureExpiredError extends Error {
  override readonly name = 'SignatureExpiredError';

  constructor(readonly deadline: bigint) {
    super(`The signature expired at its deadline ${deadline} (unix seconds); sign again with a later deadline`);
  }
}

/**
 * Thrown when a signature is not the expected signer's over the typed data the API rebuilt from the request:
 * another signer, other fields, a nonce already used, or another domain.
 */
export class InvalidOwnerSignatureError extends Error {
  override readonly name = 'InvalidOwnerSignatureError';

  constructor(
    /** The account the signature had to come from. */
    readonly expectedSigner: string,
  ) {
    super(
      `The signature is not ${expectedSigner}'s over this request: sign its typed data with the owner's key and ` +
        'the deadline sent (CreateWorkflow and DeactivateWorkflow with the nonce of GET /api/workflow/nonce/{address})',
    );
  }
}

/** Thrown when a signed message the API accepts once (pause, resume) was already used. */
export class SignatureReplayedError extends Error {
  override readonly name = 'SignatureReplayedError';

  constructor(readonly digest: string) {
    super('This signed message was already used; sign a new one with another deadline');
  }
}

/** Thrown when a pause or resume is signed by an account that does not own the workflow. */
export class NotWorkflowOwnerError extends Error {
  override readonly name = 'NotWorkflowOwnerError';

  constructor(
    readonly workflowId: bigint,
    readonly signer: string,
    readonly owner: string,
  ) {
    super(`Workflow ${workflowId} is owned by ${owner}, not by the signer ${signer}`);
  }
}

/** The `signature` and `deadline` fields of a signed mutation's body, before the deadline's range is checked. */
export const authorizationSchema = z.object({
  signature: z
    .string(expectingField('a 65-byte signature: 0x followed by 130 hex digits'))
    .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature: 0x followed by 130 hex digits'),
  deadline: z
    .number(expectingField('a whole number of unix seconds'))
    .int('must be a whole number of unix seconds')
    .positive('must be above 0'),
});

/**
 * Reads the owner's signature and deadline from a mutation's body. Answers undefined when the body carries
 * no `signature` field: the request then needs the operator key instead.
 *
 * @param nowSeconds the server's clock in unix seconds.
 * @throws {InvalidRequestError} when `signature` or `deadline` is malformed, or the deadline is more than
 * {@link MAX_SIGNATURE_LIFETIME_SECONDS} ahead.
 * @throws {SignatureExpiredError} when the deadline is not after `nowSeconds`.
 */
export function parseOwnerAuthorization(
  body: unknown,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): OwnerAuthorization | undefined {
  if (!hasSignatureField(body)) {
    // A deadline alone signs nothing; accepting it silently would let a client believe it was checked.
    if (body !== null && typeof body === 'object' && 'deadline' in body) {
      throw new InvalidRequestError([{ path: 'deadline', message: 'is only used together with signature' }]);
    }
    return undefined;
  }
  const fields = body as Record<string, unknown>;
  const parsed = parseRequestPart(authorizationSchema, { signature: fields.signature, deadline: fields.deadline });
  if (parsed.deadline <= nowSeconds) throw new SignatureExpiredError(BigInt(parsed.deadline));
  if (parsed.deadline > nowSeconds + MAX_SIGNATURE_LIFETIME_SECONDS) {
    throw new InvalidRequestError([
      {
        path: 'deadline',
        message: `must be at most ${MAX_SIGNATURE_LIFETIME_SECONDS} seconds ahead (now is ${nowSeconds})`,
      },
    ]);
  }
  return { signature: parsed.signature.toLowerCase(), deadline: BigInt(parsed.deadline) };
}

/** Whether a request body names a `signature` at all, valid or not. */
export function hasSignatureField(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    (body as Record<string, unknown>).signature !== undefined
  );
}
