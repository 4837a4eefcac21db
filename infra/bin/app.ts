import { workmatchApp } from '../lib/workmatch-app.js';

workmatchApp();
