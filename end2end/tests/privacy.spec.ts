import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import { signInAs } from './pages/login-page';
import { unzip } from './pages/zip';

test('the demo secondee downloads a copy of their data and finds their placement and reports in it', async ({ page }) => {
  await signInAs(page, 'secondee');
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Your data' });
  const downloading = page.waitForEvent('download');
  await section.getByRole('link', { name: 'Download a copy of your data' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('personal-data-secondee_demo.hub.zip');
  const files = unzip(fs.readFileSync(await download.path()));
  const json = (name: string) => JSON.parse(files.get(name)?.toString('utf8') ?? 'null');

  expect(json('account.json')[0]).toMatchObject({ email: 'secondee@demo.hub', name: 'Dilini Jayasuriya', role: 'secondee' });
  const placements = json('placements.json');
  expect(placements.length).toBeGreaterThan(0);
  expect(placements[0]).toMatchObject({ officer_name: 'Dilini Jayasuriya', officer_email: 'secondee@demo.hub' });
  const reports = json('reports.json');
  expect(reports.length).toBeGreaterThan(0);
  for (const report of reports) expect(report.officer_name).toBe('Dilini Jayasuriya');
  expect(files.get('README.txt')?.toString('utf8')).toContain('secondee@demo.hub');
});
