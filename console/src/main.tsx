import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { z } from 'zod';
import { ApiProblem } from './api/problem.js';
import { App } from './app.js';
import { initI18n } from './i18n/i18n.js';
import { onSignedOut, startSession } from './session/session.js';

// zod compiles a fast parser with `new Function` where it may; the API's Content-Security-Policy
// allows no eval, and even zod's probe for it would be reported as a violation.
z.config({ jitless: true });
initI18n();
void startSession();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx is an answer (a retry would get the same one); the rest may pass.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
    },
  },
});
// What one staff member's session read is not shown to the next.
onSignedOut(() => queryClient.clear());

// The system font stack: no web font from elsewhere (the API's Content-Security-Policy).
const theme = createTheme({ primaryColor: 'blue' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/console">
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
