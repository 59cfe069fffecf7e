import { Router } from 'express';
import { z } from 'zod';

import { PriceUnavailableError, UnknownAssetError } from '../../prices/errors';
import type { PricedAsset, PriceService } from '../../prices/price-service';
import { HttpError } from '../errors';

/** The part of the price service the routes use. */
export type PriceRoutesService = Pick<PriceService, 'getPrice' | 'supportedAssets'>;

/** What the price routes need. */
export interface PriceRouteOptions {
  prices: PriceRoutesService;
}

export const symbolParam = z.object({
  symbol: z
    .string()
    .min(1, 'must not be empty')
    .max(32, 'must be at most 32 characters')
    .regex(/^[A-Za-z0-9-]+$/, 'must be an asset id or symbol: letters, digits and dashes'),
});

/**
 * GET / (the supported assets and their upstreams) and GET /:symbol (a USD price through the cache
 * tiers), mounted under /api/price.
 *
 * `:symbol` is an asset id or symbol in any case. Unknown assets answer 404 `unknown_asset` with the
 * supported ids in `details.supported`; when no tier can answer, 503 `price_unavailable` says why.
 */
export function priceRoutes(options: PriceRouteOptions): Router {
  const router = Router();

  router.get('/', (_request, response) => {
    response.json({ assets: options.prices.supportedAssets().map(assetBody) });
  });

  router.get('/:symbol', async (request, response) => {
    const parsed = symbolParam.safeParse(request.params);
    if (!parsed.success) {
      throw new HttpError(400, 'bad_request', `symbol ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    }
    try {
      const quote = await options.prices.getPrice(parsed.data.symbol);
      const asset = options.prices.supportedAssets().find((known) => known.id === quote.token);
      response.json({
        symbol: asset?.symbol ?? quote.token.toUpperCase(),
        token: quote.token,
        price_usd: quote.priceUsd,
        source: quote.source,
        origin: quote.origin,
        age_ms: quote.ageMs,
        stale: quote.stale,
        observed_at: new Date(quote.observedAt).toISOString(),
      });
    } catch (error) {
      if (error instanceof UnknownAssetError) {
        throw new HttpError(404, 'unknown_asset', `Unknown asset ${parsed.data.symbol}`, {
          supported: error.supported,
        });
      }
      if (error instanceof PriceUnavailableError) throw new HttpError(503, 'price_unavailable', error.message);
      throw error;
    }
  });

  return router;
}

function assetBody(asset: PricedAsset) {
  return { id: asset.id, symbol: asset.symbol, name: asset.name, sources: asset.sources };
}
