import '@mantine/core/styles.css';
import './console.css';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
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
// Contrast to WCAG's 4.5:1 for text (axe checks it in the browser tests): white on the filled
// buttons' blue-8 is 5.0:1 (blue-6 was 3.6:1), dimmed text in gray-7 is 8.2:1 (gray-6 was 3.3:1).
const theme = createTheme({ primaryColor: 'blue', primaryShade: 8 });
const resolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={resolver} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/console">
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
