import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './ui/tokens.css';
import './ui/base.css';
import './ui/components.css';
import './ui/shell.css';
import { connect, type ApiClient } from './api/client.js';
import { App } from './App.js';
import { FatalScreen } from './FatalScreen.js';
import { ClientContext } from './state/client.js';
import { describeError } from './state/errors.js';
import { refreshStatusAfterOutboxWrites } from './state/outbox-refresh.js';
import { initTheme } from './state/theme.js';

initTheme();

let client: ApiClient | null = null;
let failure = '';
try {
  client = refreshStatusAfterOutboxWrites(connect());
} catch (error) {
  failure = describeError(error);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    {client ? (
      <ClientContext.Provider value={client}>
        <App />
      </ClientContext.Provider>
    ) : (
      <FatalScreen message={failure} />
    )}
  </StrictMode>,
);
