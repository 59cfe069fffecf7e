/** An asset whose USD price Autometa can look up. */
export interface Asset {
  /** CoinGecko coin id, also the token name of price triggers and Redis keys, e.g. `ethereum`. */
  id: string;
  /** Ticker symbol, upper case, e.g. `ETH`. */
  symbol: string;
  /** Human-readable name. */
  name: string;
}

/** The assets every price tier knows. Ids are CoinGecko's coin ids. */
export const SUPPORTED_ASSETS: readonly Asset[] = [
  { id: 'ethereum', symbol: 'ETH', name: 'Ether' },
  { id: 'bitcoin', symbol: 'BTC', name: 'Bitcoin' },
];

/**
 * Finds an asset by its id or its symbol, ignoring case and surrounding spaces.
 *
 * Returns undefined when no asset matches, so callers decide how to report it.
 */
export function findAsset(idOrSymbol: string, assets: readonly Asset[] = SUPPORTED_ASSETS): Asset | undefined {
  const wanted = idOrSymbol.trim().toLowerCase();
  return assets.find((asset) => asset.id === wanted || asset.symbol.toLowerCase() === wanted);
}
