import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** What `npm start` runs: the API, which serves the built console at /console. */
const API = 'http://127.0.0.1:3000';

/** The API's route prefixes: in development the console's calls go to the API through Vite. */
const API_ROUTES = [
  'auth',
  'operator',
  'admin',
  'members',
  'workers',
  'businesses',
  'shifts',
  'assignments',
  'eligibility',
  'files',
  'health',
];

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // The libraries apart from the app's own code, which changes with every release: their
        // chunks keep their hashes, so a browser keeps them cached across deploys.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
            },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { [`^/(${API_ROUTES.join('|')})(/|$)`]: { target: API } },
  },
});
