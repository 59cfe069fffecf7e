import { Router } from 'express';
import { formatEther } from 'ethers';
import { z } from 'zod';

import { HttpError, withErrorMapping } from '../errors';
import {
  EscrowTransactionRejectedError,
  InsufficientEscrowBalanceError,
  InsufficientWalletBalanceError,
  type EscrowService,
} from '../escrow-service';
import {
  InvalidRequestError,
  addressField,
  decimalStringField,
  parseAddressParam,
  parseRequestPart,
} from '../workflow-schemas';

/** The part of the escrow service the routes use. */
export type EscrowRoutesService = Pick<EscrowService, 'balance' | 'buildDeposit' | 'buildWithdraw'>;

/** What the escrow routes need. */
export interface EscrowRouteOptions {
  service: EscrowRoutesService;
}

/** The body of POST /api/escrow/deposit and /withdraw: the user and a wei amount above 0. */
export const amountBody = z.object({
  user_address: addressField,
  amount_wei: decimalStringField('wei', { allowZero: false }),
});

/**
 * The FeeEscrow endpoints of the earlier API, mounted under /api/escrow. None needs a key: they read, or
 * build unsigned transactions that only the user's own wallet can sign.
 *
 * - GET /balance/:address: `{ success, user_address, balance_wei, balance_eth }`, decimal strings.
 * - POST /deposit and /withdraw, body `{ user_address, amount_wei }` (a decimal string of wei above 0):
 *   `{ success, transaction: { from, to, data, value, chainId, gas } }`, `deposit()` with the amount as value,
 *   or `withdraw(amount)` with value "0".
 *
 * Errors use the one error body: 400 `invalid_request` (naming each field), `insufficient_escrow_balance`
 * (a withdrawal above the balance), `insufficient_wallet_balance` (a deposit above the wallet's coin) or
 * `escrow_rejected` (the estimate reverts).
 */
export function escrowRoutes(options: EscrowRouteOptions): Router {
  const router = Router();
  const mapped = withErrorMapping(toHttpError);
  const { service } = options;

  router.get(
    '/balance/:address',
    mapped(async (request, response) => {
      const user = parseAddressParam(request.params.address, 'address');
      const balance = await service.balance(user);
      response.json({
        success: true,
        user_address: user,
        balance_wei: balance.toString(),
        balance_eth: formatEther(balance),
      });
    }),
  );

  router.post(
    '/deposit',
    mapped(async (request, response) => {
      const body = parseAmountBody(request.body);
      response.json({ success: true, transaction: await service.buildDeposit(body.user_address, body.amount_wei) });
    }),
  );

  router.post(
    '/withdraw',
    mapped(async (request, response) => {
      const body = parseAmountBody(request.body);
      response.json({ success: true, transaction: await service.buildWithdraw(body.user_address, body.amount_wei) });
    }),
  );

  return router;
}

function parseAmountBody(body: unknown): z.output<typeof amountBody> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError([
      { path: 'body', message: 'must be a JSON object (sent as Content-Type: application/json)' },
    ]);
  }
  return parseRequestPart(amountBody, body);
}

function toHttpError(error: unknown): unknown {
  if (error instanceof InvalidRequestError) return new HttpError(400, 'invalid_request', error.message, error.issues);
  if (error instanceof InsufficientEscrowBalanceError || error instanceof InsufficientWalletBalanceError) {
    const code =
      error instanceof InsufficientEscrowBalanceError ? 'insufficient_escrow_balance' : 'insufficient_wallet_balance';
    return new HttpError(400, code, error.message, {
      path: 'amount_wei',
      amount_wei: error.amountWei.toString(),
      balance_wei: error.balanceWei.toString(),
    });
  }
  if (error instanceof EscrowTransactionRejectedError) {
    return new HttpError(400, 'escrow_rejected', error.message, { error: error.errorName ?? null });
  }
  return error;
}
