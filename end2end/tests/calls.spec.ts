import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO_PASSWORD } from './pages/login-page';
import { allMail } from './pages/mailbox';

// This journey moves the office date, so it runs a server of its own on a database on disk:
// started on one date, stopped, and started again on the same data past the call's closing.
const PORT = process.env.HUB_E2E_CALLS_PORT ?? '3101';
const BASE = `http://localhost:${PORT}`;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(__dirname, '..', '..', 'target');
const serverBin = process.env.HUB_SERVER_BIN ?? path.join(targetDir, 'debug', 'server');
const SMTP_PORT = process.env.HUB_E2E_SMTP_PORT ?? '2526';

async function startServer(dataDir: string, today: string): Promise<ChildProcess> {
  const server = spawn(serverBin, [], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      HUB_ADDR: `127.0.0.1:${PORT}`,
      HUB_DB: `surrealkv://${path.join(dataDir, 'db')}`,
      HUB_FILES_DIR: path.join(dataDir, 'files'),
      HUB_OPERATOR_TOKEN: path.join(dataDir, 'operator.token'),
      HUB_DEMO: '1',
      HUB_DEMO_YEARS: '0',
      HUB_TODAY: today,
      HUB_LOG: 'warn',
      HUB_DASHBOARD_SECONDS: '0',
      HUB_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      HUB_PUBLIC_URL: BASE,
      LEPTOS_SITE_ROOT: path.join(__dirname, '..', '..', 'target', 'site'),
    },
  });
  await expect
    .poll(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${PORT}/readyz`)).status;
      } catch {
        return 0;
      }
    }, { timeout: 120_000, intervals: [500] })
    .toBe(200);
  return server;
}

async function stopServer(server: ChildProcess) {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

async function signIn(page: Page, role: string) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('E-mail').fill(`${role}@demo.hub`);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('user-name')).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** The closing summaries of the call titled `title`, by recipient. */
async function summaries(title: string): Promise<string[]> {
  return (await allMail())
    .filter((m) => m.subject === 'A call for nominations has closed' && m.text.includes(title))
    .flatMap((m) => m.to)
    .sort();
}

test('a call is published, answered from the home page, counted, approved against its places and closed once', async ({ page }) => {
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-calls-'));
  const title = `Document examination ${Date.now()}`;
  const officer = `Sunil Jayasuriya ${Date.now()}`;
  let server = await startServer(dataDir, '2027-01-05');
  try {
    // The coordinator writes the call and publishes it.
    await signIn(page, 'coordinator');
    await page.goto(`${BASE}/calls`);
    await page.getByRole('link', { name: 'New call' }).click();
    await page.getByRole('textbox', { name: 'Title' }).fill(title);
    await page.getByRole('textbox', { name: 'Description' }).fill('One officer to the document examination desk.');
    await page.getByRole('combobox', { name: 'Host agency' }).selectOption({ label: 'Regional Support Office, Bangkok (Regional Support Office)' });
    await page.getByLabel('Aviation people smuggling').check();
    await page.getByRole('spinbutton', { name: 'Places' }).fill('1');
    await page.getByLabel('Placements start from').fill('2027-03-01');
    await page.getByLabel('Placements end by').fill('2027-12-31');
    await page.getByLabel('Closing date').fill('2027-01-15');
    await page.getByLabel('Closing time').fill('17:00');
    await page.getByRole('button', { name: 'Save call' }).click();
    await expect(page.getByRole('status')).toContainText(`Call “${title}” saved.`);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.getByRole('status')).toContainText('Call published');
    const callUrl = page.url();
    await signOut(page);

    // The nominator answers it from the home page: host, themes and window come from the call.
    await signIn(page, 'nominator');
    const open = page.getByTestId('open-calls').getByRole('listitem').filter({ hasText: title });
    await open.getByRole('link', { name: 'Nominate' }).click();
    await expect(page.getByTestId('answering-call')).toContainText(title);
    await page.getByRole('textbox', { name: 'Full name' }).fill(officer);
    await page.getByRole('textbox', { name: 'Position and rank' }).fill('Immigration Officer');
    await page.getByRole('textbox', { name: 'Work e-mail' }).fill('sunil.j@immigration.lk.example');
    await page.getByRole('combobox', { name: 'Nationality' }).selectOption({ label: 'Sri Lanka' });
    await page.getByRole('listbox', { name: 'Languages' }).selectOption([{ label: 'English' }]);
    await expect(page.getByLabel('Aviation people smuggling')).toBeChecked();
    await page.getByRole('textbox', { name: 'Proposed start' }).fill('2027-04-01');
    await page.getByRole('textbox', { name: 'Proposed end' }).fill('2027-10-01');
    await page.getByRole('textbox', { name: 'Objectives' }).fill('Document examination.');
    await page.getByRole('textbox', { name: 'Justification' }).fill('Answers the call.');
    await page.getByLabel('I confirm that the officer has been given this privacy notice.').check();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('status')).toContainText('Nomination saved as a draft.');
    await expect(page.getByTestId('nomination-call')).toContainText(title);
    await page.getByRole('button', { name: 'Submit to the RSO' }).click();
    await expect(page.locator('.page-header .state')).toHaveText('Submitted');
    const nominationUrl = page.url();
    await signOut(page);

    // The call page counts it; approving it takes the one place.
    await signIn(page, 'coordinator');
    await page.goto(callUrl);
    await expect(page.getByTestId('call-counts')).toHaveText('1 nominations answer this call; 0 approved.');
    await expect(page.getByTestId('places-left')).toHaveText('1 left of 1');
    await page.goto(nominationUrl);
    await page.getByRole('button', { name: 'Start review' }).click();
    await page.getByRole('textbox', { name: "Supervisor's name" }).fill('Dr Malee Chai');
    await page.getByRole('textbox', { name: "Supervisor's e-mail" }).fill('malee.chai@rso.example');
    await page.getByRole('button', { name: 'Approve and create the placement' }).click();
    await expect(page.locator('.page-header .state')).toHaveText('Approved');
    await page.goto(callUrl);
    await expect(page.getByTestId('places-left')).toHaveText('0 left of 1');
    await expect(page.getByTestId('call-counts')).toHaveText('1 nominations answer this call; 1 approved.');
    expect(await summaries(title)).toEqual([]);
    await stopServer(server);

    // Past its closing time the start's scheduled work closes it, and the summary arrives once.
    server = await startServer(dataDir, '2027-01-16');
    await expect.poll(() => summaries(title), { timeout: 20_000 }).toEqual(['coordinator@demo.hub']);
    await signIn(page, 'coordinator');
    await page.goto(callUrl);
    await expect(page.getByRole('heading', { level: 2 }).first()).toContainText('Closed');
    await stopServer(server);
    server = await startServer(dataDir, '2027-01-17');
    await page.waitForTimeout(2_000);
    expect(await summaries(title)).toEqual(['coordinator@demo.hub']);
    const summary = (await allMail()).find((m) => m.subject === 'A call for nominations has closed' && m.text.includes(title))!;
    expect(summary.text).toContain('Nominations: 1');
    expect(summary.text).toContain('Sri Lanka (1)');
  } finally {
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
