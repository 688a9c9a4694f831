import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the blog SPA into `web/dist` (hashed assets under `dist/assets/`, which the gateway
 * serves with immutable cache headers). `npm run dev:web` proxies `/api` to a running gateway
 * (`GATEWAY_URL`, default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'assets', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/api': { target: process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
