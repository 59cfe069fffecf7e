import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy of every answer. Scripts only from this origin; styles from this origin and
 * inline (Swagger UI sets style attributes); images also as data: URLs (Swagger UI's icons); no plugins, no
 * framing, forms and `<base>` only to this origin.
 *
 * NOTE: Pages served by the API, such as the Swagger UI at /api/docs, must load their scripts from files
 * on this origin: an inline `<script>` is blocked.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers {@link securityHeaders} sets, by name. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-DNS-Prefetch-Control': 'off',
  'X-Permitted-Cross-Domain-Policies': 'none',
  // Browsers ignore it over plain HTTP, so it only acts where TLS is terminated for this host.
  'Strict-Transport-Security': 'max-age=15552000',
};

/** Sets {@link SECURITY_HEADERS} on every answer, errors included, before any route runs. */
export function securityHeaders(): RequestHandler {
  return (_request, response, next) => {
    response.set(SECURITY_HEADERS);
    next();
  };
}
