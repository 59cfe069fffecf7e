import path from 'node:path';

import express, { Router, type RequestHandler } from 'express';

import { openApiDocument } from '../openapi';

/** The Swagger UI files the docs page loads, served from the `swagger-ui-dist` package; nothing else of it is. */
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const INITIALIZER = 'autometa-docs.js';

// A file of its own rather than an inline script, so the page works under a `script-src 'self'` policy.
// The document's URL comes from the page, which knows where the router is mounted.
const INITIALIZER_SOURCE = `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/**
 * GET /openapi.json (the OpenAPI 3.1 document of {@link openApiDocument}) and GET /docs (Swagger UI
 * browsing it), mounted under /api.
 *
 * The UI's files are served under /docs/ from the installed `swagger-ui-dist` package, so the docs need
 * no network access beyond this server; only the files the page loads are served.
 */
export function docsRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  const assetsDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = express.static(assetsDir, { index: false, fallthrough: true, maxAge: '1h' });

  router.get('/openapi.json', (_request, response) => {
    response.json(document);
  });

  router.get('/docs', (request, response) => {
    response.type('html').send(docsPage(request.baseUrl));
  });

  // Middleware, not routes: the UI's files are no API endpoints, so they stay out of the document.
  const uiFiles: RequestHandler = (request, response, next) => {
    const name = request.path.slice(1);
    if (name === INITIALIZER) {
      response.type('js').send(INITIALIZER_SOURCE);
      return;
    }
    if (!SWAGGER_UI_FILES.has(name)) {
      next();
      return;
    }
    assets(request, response, next);
  };
  router.use('/docs', uiFiles);

  return router;
}

function docsPage(mountPath: string): string {
  const files = `${mountPath}/docs`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Autometa API</title>
    <link rel="stylesheet" type="text/css" href="${files}/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="${files}/index.css">
    <link rel="icon" type="image/png" href="${files}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${files}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui" data-url="${mountPath}/openapi.json"></div>
    <script src="${files}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${files}/${INITIALIZER}" charset="UTF-8"></script>
  </body>
</html>
`;
}
