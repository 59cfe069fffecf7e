/** The price module: one service for the API and every worker. See {@link createPriceService}. */
export { AGGREGATOR_V3_ABI, ChainlinkPriceSource, type FeedObservation } from './chainlink-source';
export { CoinGeckoClient, parseRetryAfter, type CoinGeckoObservation } from './coingecko-client';
export {
  PriceUnavailableError,
  UnknownAssetError,
  UpstreamPriceError,
  type PriceLookupErrorType,
  type PriceTierFailure,
  type UpstreamFailureCode,
} from './errors';
export {
  createPriceService,
  PriceService,
  type CreatePriceServiceOptions,
  type PricedAsset,
  type PriceLookupResult,
  type PriceServiceStats,
  type PriceTriggerCheckInput,
  type PriceTriggerCheckResult,
} from './price-service';
export { createPriceRedisClient } from './redis-tier';
export {
  DEFAULT_PRICE_SETTINGS,
  priceSettingsFromConfig,
  type PriceSettings,
  type PriceUpstreamName,
} from './settings';
