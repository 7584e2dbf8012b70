/** Runs the HTTP API on a port; returns a function that stops it. */
import type { Server } from 'node:http';
import type { AppDeps } from './app';
import { createApp } from './app';

export async function startApiServer(
  deps: AppDeps,
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set PORT to another port`) : error),
    );
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://localhost:${actualPort}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
