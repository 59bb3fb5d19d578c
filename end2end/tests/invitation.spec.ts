import { expect, test } from '@playwright/test';
import { signInAs, Header } from './pages/login-page';
import { linkIn, mailTo } from './pages/mailbox';

test('an invited user follows the e-mailed link, sets a password and is signed in', async ({ page }) => {
  const email = `invited.${Date.now()}@immigration.example`;
  await signInAs(page, 'admin');
  await page.goto('/admin/users/new');
  await expect(page.locator('.enhanced-form[data-enhanced="true"]')).toHaveCount(1);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Full name' }).fill('Invited Officer');
  await page.getByRole('combobox', { name: 'Role' }).selectOption('secondee');
  await page.getByRole('button', { name: 'Save user' }).click();
  await expect(page.getByRole('status')).toContainText('An invitation to choose a password was e-mailed.');

  const mail = await mailTo(email);
  expect(mail.subject).toBe('You are invited to Secondment Hub');
  const link = linkIn(mail.text, '/account/welcome?token=');
  expect(mail.html).toContain(link);

  // The mail log shows it as sent.
  await page.goto('/mail?q=' + encodeURIComponent(email));
  await expect(page.locator('table.data-table tbody tr').first()).toContainText('sent');
  await new Header(page).signOut();

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Welcome to Secondment Hub' })).toBeVisible();
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill('harbour lights at dawn');
  await page.getByLabel('Repeat the new password').fill('harbour lights at dawn');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('user-name')).toHaveText('Invited Officer');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your placement');

  // The link works once.
  await new Header(page).signOut();
  await page.goto(link);
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill('another passphrase here');
  await page.getByLabel('Repeat the new password').fill('another passphrase here');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.locator('[data-form-message]')).toContainText('expired or has already been used');
});
