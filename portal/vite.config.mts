/** The citizen portal: a Preact app served by the API at /apply (built into dist/portal). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/apply/',
  plugins: [preact()],
  build: {
    outDir: path.resolve(root, '../dist/portal'),
    emptyOutDir: true,
    sourcemap: true,
  },
  // `npx vite --config portal/vite.config.mts` for hot reload against `npm start`'s API.
  server: {
    proxy: { '/api': `http://localhost:${process.env.PORT ?? 3000}` },
    // The form checks ID numbers with the API's own pure module in ../domain.
    fs: { allow: [path.resolve(root, '..')] },
  },
});
