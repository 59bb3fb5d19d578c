import { expect, test, type Page } from '@playwright/test';
import { Header, signInAs } from './pages/login-page';
import { allMail } from './pages/mailbox';

/** A date `days` from today, as the date inputs take it (YYYY-MM-DD). */
function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

function badge(page: Page) {
  return page.locator('.page-header .state').first();
}

async function writeAndSubmit(page: Page, outcomes: string) {
  await page.getByRole('textbox', { name: 'Activities' }).fill('Joined the daily case reviews of the host.');
  await page.getByRole('textbox', { name: 'Outcomes' }).fill(outcomes);
  await page.getByRole('button', { name: 'Submit the report' }).click();
  await expect(page.getByRole('status').first()).toContainText('Report submitted.');
  await expect(badge(page)).toHaveText('Submitted');
}

test('a secondee submits a monthly report; it is returned, resubmitted without JavaScript, accepted and shared', async ({ page, browser }) => {
  await signInAs(page, 'secondee');
  await page.goto('/reports?status=due&kind=secondee_monthly');
  await page.getByRole('link', { name: 'Secondee monthly report' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Secondee monthly report');
  const url = page.url();
  // Submitting without the required sections is refused at the fields.
  await page.getByRole('button', { name: 'Submit the report' }).click();
  await expect(page.locator('[data-error-for="outcomes"]')).toContainText('Write this section');
  await writeAndSubmit(page, 'Two joint operations were planned.');
  await new Header(page).signOut();

  await signInAs(page, 'coordinator');
  await expect(page.getByTestId('waiting-review')).toBeVisible();
  await page.goto(url);
  const ret = page.locator('form[action="/api/reports/return"]');
  await ret.getByRole('textbox', { name: 'Comment for the author' }).fill('Please add the number of cases referred.');
  await ret.getByRole('textbox', { name: 'Resubmit by' }).fill(daysFromToday(10));
  await ret.getByRole('button', { name: 'Return' }).click();
  await expect(page.getByRole('status').first()).toContainText('Report returned');
  await expect(badge(page)).toHaveText('Returned');
  await expect
    .poll(async () => (await allMail()).filter((m) => m.subject.startsWith('Report returned') && m.to.includes('secondee@demo.hub')).length, { timeout: 15_000 })
    .toBeGreaterThan(0);

  // The secondee revises it in a browser without JavaScript.
  const plain = await browser.newContext({ javaScriptEnabled: false, baseURL: test.info().project.use.baseURL });
  const secondee = await plain.newPage();
  await signInAs(secondee, 'secondee');
  await secondee.goto(url);
  await expect(secondee.getByText('Please add the number of cases referred.')).toBeVisible();
  await writeAndSubmit(secondee, 'Two joint operations were planned; 14 cases were referred.');
  await plain.close();

  await page.goto(url);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(badge(page)).toHaveText('Accepted');
  await page.getByRole('button', { name: 'Share with the donor' }).click();
  await expect(page.getByRole('status').first()).toContainText('Report shared with the donor.');
  await expect(page.getByText('Version 2')).toBeVisible();
  await expect
    .poll(async () => (await allMail()).filter((m) => m.subject.startsWith('Report accepted') && m.to.includes('secondee@demo.hub')).length, { timeout: 15_000 })
    .toBeGreaterThan(0);
});
