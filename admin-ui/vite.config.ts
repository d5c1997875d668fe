import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Paths the appliance serves itself; `npm run dev -w @ai-la/admin-ui` forwards them to it. */
const APPLIANCE_PATHS = ['/api', '/v1', '/auth', '/log', '/.well-known'];
const appliance = process.env.AILA_DEV_APPLIANCE_URL ?? 'http://127.0.0.1:8080';

/**
 * The UI is built into static files the appliance serves under its strict Content-Security-Policy:
 * no inline script or style, no data: URLs, everything from the appliance's own origin.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(
      APPLIANCE_PATHS.map((path) => [path, { target: appliance, changeOrigin: false }]),
    ),
  },
});
