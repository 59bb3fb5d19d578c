import { defineConfig } from '@playwright/test';
import * as path from 'path';

// The server under test: the debug build, on its own port, with a fresh in-memory database
// and the demo data. Chromium is the system's (/usr/bin/chromium); no browser is downloaded.
const port = process.env.HUB_E2E_PORT ?? '3100';
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(__dirname, '..', 'target');
const serverBin = process.env.HUB_SERVER_BIN ?? path.join(targetDir, 'debug', 'server');
const chromium = process.env.HUB_CHROMIUM ?? '/usr/bin/chromium';
// The test SMTP server (support/smtp-sink.mjs): SMTP for the app, HTTP for the specs.
export const SMTP_PORT = process.env.HUB_E2E_SMTP_PORT ?? '2526';
export const MAILBOX_PORT = process.env.HUB_E2E_MAILBOX_PORT ?? '2580';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    // localhost, not 127.0.0.1: a passkey's relying party must be a domain name.
    baseURL: `http://localhost:${port}`,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
  {
    command: 'node support/smtp-sink.mjs',
    url: `http://127.0.0.1:${MAILBOX_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: { SMTP_PORT, HTTP_PORT: MAILBOX_PORT },
  },
  {
    command: serverBin,
    cwd: path.join(__dirname, '..'),
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      HUB_ADDR: `127.0.0.1:${port}`,
      HUB_DB: 'mem://',
      HUB_DEMO: '1',
      // The demo's story alone: the specs follow its records.
      HUB_DEMO_YEARS: '0',
      HUB_LOG: 'warn',
      // The specs read the dashboard right after changing what it counts.
      HUB_DASHBOARD_SECONDS: '0',
      HUB_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      HUB_PUBLIC_URL: `http://localhost:${port}`,
      LEPTOS_SITE_ROOT: path.join(__dirname, '..', 'target', 'site'),
    },
  },
  ],
});
