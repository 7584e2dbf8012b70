/** The web console: a Preact app served by the API at /console (built into dist/console). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: path.resolve(root, '../dist/console'),
    emptyOutDir: true,
    sourcemap: true,
  },
  // `npx vite --config console/vite.config.mts` for hot reload against `npm start`'s API.
  server: {
    proxy: { '/api': `http://localhost:${process.env.PORT ?? 3000}` },
    // The app imports label tables from ../domain (pure modules shared with the API).
    fs: { allow: [path.resolve(root, '..')] },
  },
});
