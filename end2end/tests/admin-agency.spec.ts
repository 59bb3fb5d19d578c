import { expect, test } from '@playwright/test';
import { signInAs } from './pages/login-page';

test('an admin creates an agency with a contact and finds it in the filtered list', async ({ page }) => {
  const name = `Maritime Enforcement Agency ${Date.now()}`;
  await signInAs(page, 'admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agencies' }).click();
  await page.getByRole('link', { name: 'New agency' }).click();
  await expect(page.locator('.enhanced-form[data-enhanced="true"]')).toHaveCount(1);

  // Saving without a name shows the messages at the fields.
  await page.getByRole('button', { name: 'Save agency' }).click();
  await expect(page.locator('[data-error-for="name"]')).toHaveText('This field is required.');
  await expect(page.locator('[data-error-for="member"]')).not.toBeEmpty();

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('combobox', { name: 'Member' }).selectOption({ label: 'Malaysia' });
  await page.getByLabel('Hosts officers').check();
  await page.getByLabel('Contact name').fill('Farid Hassan');
  await page.getByLabel('Contact e-mail').fill('farid.hassan@mmea.gov.my.example');
  await page.getByLabel('Preferred language').selectOption('ms');
  await page.getByRole('button', { name: 'Save agency' }).click();

  await expect(page.getByRole('status')).toContainText(`Agency “${name}” saved.`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByRole('cell', { name: 'farid.hassan@mmea.gov.my.example', exact: true })).toBeVisible();

  await page.goto('/admin/agencies');
  await page.getByLabel('Search').fill('maritime enforcement');
  await page.getByRole('button', { name: 'Filter' }).click();
  const rows = page.locator('table.data-table tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(name);
  await expect(rows.first()).toContainText('Malaysia');
  await expect(rows.first()).toContainText('farid.hassan@mmea.gov.my.example');
});
