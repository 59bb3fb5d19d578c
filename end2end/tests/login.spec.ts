import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage } from './pages/login-page';

test('a wrong password shows the message at the field, without a reload', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  // Wait until the form island is live, so that this exercises the enhanced path.
  await expect(page.locator('.enhanced-form[data-enhanced="true"]')).toHaveCount(1);
  await page.evaluate(() => ((window as any).__marker = 'same document'));
  await login.signIn('admin@demo.hub', 'not-the-password');
  await expect(login.errorAt('password')).toHaveText('The e-mail address or password is not correct.');
  expect(await page.evaluate(() => (window as any).__marker)).toBe('same document');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
});

test('the sign-in page follows next after signing in', async ({ page }) => {
  await page.goto('/admin/themes');
  await expect(page).toHaveURL(/\/login\?next=\/admin\/themes$/);
  await new LoginPage(page).signIn('admin@demo.hub', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin\/themes$/);
  await expect(page.getByRole('heading', { name: 'Themes' })).toBeVisible();
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the login form works as a plain HTML form', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn('admin@demo.hub', 'not-the-password');
    await expect(page).toHaveURL(/\/login$/);
    await expect(login.errorAt('password')).toHaveText('The e-mail address or password is not correct.');
    await expect(page.getByLabel('E-mail')).toHaveValue('admin@demo.hub');

    await login.signIn('admin@demo.hub', DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('user-name')).toHaveText('Ayesha Admin');
  });
});
