import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API at `/` (backend/src/console/serve-console.ts); `npm run dev -w web` proxies /api.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, manifest: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
