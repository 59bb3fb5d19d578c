import { expect, test } from '@playwright/test';
import { Header, signInAs } from './pages/login-page';

/** A date `days` from today, as the date inputs take it (YYYY-MM-DD). */
function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

test('a coordinator funds a placement and records a THB expense; the donor sees it and exports CSV', async ({ page }) => {
  const reference = `AUS-E2E-${Date.now()}`;
  await signInAs(page, 'coordinator');

  // A dated THB→AUD rate.
  await page.goto('/funding/rates');
  const rate = page.locator('form[action="/api/funding/rates/add"]');
  await rate.getByRole('textbox', { name: 'Date' }).fill(daysFromToday(-10));
  await rate.getByRole('textbox', { name: 'From' }).fill('THB');
  await rate.getByRole('textbox', { name: 'To' }).fill('AUD');
  await rate.getByRole('textbox', { name: 'Rate', exact: true }).fill('0.0400');
  await rate.getByRole('textbox', { name: 'Source' }).fill('Central bank, daily');
  await rate.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('status').first()).toContainText('Rate added.');

  // An agreement in AUD.
  await page.goto('/funding/agreements/new');
  await page.getByRole('combobox', { name: 'Donor' }).selectOption({ label: 'Government of Australia' });
  await page.getByRole('textbox', { name: 'Reference' }).fill(reference);
  await page.getByRole('textbox', { name: 'Title' }).fill('Secondments, test');
  await page.getByRole('combobox', { name: 'Currency' }).selectOption('AUD');
  await page.getByRole('textbox', { name: 'Total' }).fill('20,000.00');
  await page.getByRole('textbox', { name: 'Period start' }).fill(daysFromToday(-60));
  await page.getByRole('textbox', { name: 'Period end' }).fill(daysFromToday(400));
  await page.getByRole('button', { name: 'Save agreement' }).click();
  await expect(page.getByRole('status').first()).toContainText(`Agreement ${reference} saved.`);

  // A commitment to a placement, then a THB expenditure converted at the table's rate.
  const commit = page.locator('form[action="/api/funding/commit"]');
  const nurul = await commit.locator('option', { hasText: 'Nurul Huda' }).getAttribute('value');
  await commit.getByRole('combobox', { name: 'Placement' }).selectOption(nurul!);
  await commit.getByRole('combobox', { name: 'Category' }).selectOption('travel');
  await commit.getByRole('textbox', { name: 'Amount' }).fill('5,000.00');
  await commit.getByRole('button', { name: 'Commit' }).click();
  await expect(page.getByRole('status').first()).toContainText('AUD 5,000.00 committed');
  const spend = page.locator('form[action="/api/funding/spend"]');
  await spend.getByRole('combobox', { name: 'Placement' }).selectOption(nurul!);
  await spend.getByRole('combobox', { name: 'Category' }).selectOption('travel');
  await spend.getByRole('textbox', { name: 'Date' }).fill(daysFromToday(-1));
  await spend.getByRole('textbox', { name: 'Amount' }).fill('25,000.00');
  await spend.getByRole('combobox', { name: 'Currency' }).selectOption('THB');
  await spend.getByRole('textbox', { name: 'Evidence reference' }).fill('TKT-E2E-1');
  await spend.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByRole('status').first()).toContainText('THB 25,000.00 recorded as AUD 1,000.00 at 0.0400');
  await new Header(page).signOut();

  // The donor sees the spend in the chart and the table, and exports it.
  await signInAs(page, 'donor');
  await page.goto('/funding');
  await expect(page.getByRole('heading', { name: new RegExp(reference) })).toBeVisible();
  const section = page.locator('h3', { hasText: reference }).locator('xpath=following-sibling::div[contains(@class, "chart-and-table")][1]');
  await expect(section.locator('svg.spend-chart')).toBeVisible();
  await expect(section.getByTestId('spend-table')).toContainText('AUD 1,000.00');
  const csv = await page.request.get('/export/funding.csv');
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain(`${reference},Government of Australia,AUD,travel,5000.00,1000.00`);
});
