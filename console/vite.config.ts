import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The chart library and its own dependencies (recharts draws with d3 and keeps state in redux). */
const CHARTS = String.raw`(@mantine[\\/]charts|recharts|d3-|victory-vendor|decimal\.js-light|@reduxjs|redux|reselect|immer|react-redux|internmap|es-toolkit)`;

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
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/](core|hooks|form)[\\/]/ },
            // Every other library but the chart library and what only it uses: those stay with
            // the screens that draw charts, so the first screen never loads them.
            { name: 'vendor', test: new RegExp(`node_modules[\\\\/](?!${CHARTS})`) },
          ],
        },
      },
    },
  },
  server: {
    proxy: { [`^/(${API_ROUTES.join('|')})(/|$)`]: { target: API } },
  },
});
