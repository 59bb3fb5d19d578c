import { expect, test } from '@playwright/test';
import { signInAs } from './pages/login-page';

// A phone the width of the smallest common one.
const PHONE = { width: 375, height: 740 };

test('on a phone a list starts on the first screen, its filters folded and counted', async ({ page }, testInfo) => {
  await page.setViewportSize(PHONE);
  await signInAs(page, 'coordinator');
  await page.goto('/nominations');
  const summary = page.getByTestId('filters-summary');
  await expect(summary).toHaveText('Filters');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeHidden();
  // The first row of the list is within the first screen.
  const firstRow = page.locator('table tbody tr').first();
  await expect(firstRow).toBeVisible();
  const box = (await firstRow.boundingBox())!;
  expect(box.y + box.height).toBeLessThan(PHONE.height);
  await page.screenshot({ path: testInfo.outputPath('nominations-at-375px.png'), fullPage: false });

  // Opening the disclosure shows the form; a filter applied is counted in the summary.
  await summary.click();
  await page.getByRole('combobox', { name: 'State' }).selectOption('submitted');
  await page.getByRole('searchbox', { name: 'Search' }).fill('a');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/status=submitted/);
  await expect(page.getByTestId('filters-summary')).toHaveText('Filters (2 active)');
  await page.screenshot({ path: testInfo.outputPath('nominations-filtered-at-375px.png'), fullPage: false });

  // The same on every list: the folded filters on the reports list.
  await page.goto('/reports');
  await expect(page.getByTestId('filters-summary')).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeHidden();
});

test('on a wide screen the filters are shown without a disclosure', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAs(page, 'coordinator');
  await page.goto('/placements');
  await expect(page.getByTestId('filters-summary')).toBeHidden();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
});

test('a nomination and a placement print without navigation or forms, keeping the record', async ({ page }) => {
  await signInAs(page, 'coordinator');
  await page.goto('/nominations?status=submitted');
  await page.locator('table tbody tr a').first().click();
  await expect(page.getByRole('heading', { name: 'Actions' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Actions' })).toBeHidden();
  await expect(page.locator('form:visible')).toHaveCount(0);
  await expect(page.locator('button:visible')).toHaveCount(0);
  for (const kept of ['Officer and secondment', 'Documents', 'Status history and comments']) {
    await expect(page.getByRole('heading', { name: kept })).toBeVisible();
  }
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

  await page.emulateMedia({ media: 'screen' });
  await page.goto('/placements?status=active');
  await page.locator('table tbody tr a').first().click();
  await expect(page.getByRole('heading', { name: 'Change the placement' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: 'Change the placement' })).toBeHidden();
  await expect(page.locator('form:visible')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
});
