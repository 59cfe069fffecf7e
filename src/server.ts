import { createApiResources } from './api/api-resources';
import { runEntryPoint } from './process-entry';

runEntryPoint('api', async (config, logger) => {
  const api = createApiResources(config, logger);
  const server = await new Promise<ReturnType<typeof api.app.listen>>((resolve, reject) => {
    const listening = api.app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
  });
  // Requests Node rejects before Express sees them (headers too large, malformed HTTP) still get the
  // API's one error body.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({
      success: false,
      error: {
        code: tooLarge ? 'headers_too_large' : 'bad_request',
        message: tooLarge ? 'The request line and headers are too large' : 'Malformed HTTP request',
      },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  logger.info('API listening', { url: `http://${config.HOST}:${config.PORT}` });

  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await api.close();
  };
});
