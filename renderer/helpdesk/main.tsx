import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../ui/tokens.css';
import '../ui/base.css';
import '../ui/components.css';
import '../ui/shell.css';
import './helpdesk.css';
import { initTheme } from '../state/theme.js';
import { App } from './App.js';

initTheme();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
