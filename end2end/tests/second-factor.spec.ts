import { expect, test, type Page } from '@playwright/test';
import { Header, LoginPage, signInAs } from './pages/login-page';
import { totp } from './pages/totp';

const PASSWORD = 'harbour lights at dawn';

/** An administrator creates a user of `role` with a password. */
async function createUser(page: Page, email: string, name: string, role: string) {
  await signInAs(page, 'admin');
  await page.goto('/admin/users/new');
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Full name' }).fill(name);
  await page.getByRole('combobox', { name: 'Role' }).selectOption(role);
  await page.getByLabel('Initial password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save user' }).click();
  await expect(page.getByRole('status')).toContainText('saved');
  await new Header(page).signOut();
}

test('an administrator without a second factor is sent to enrol, then signs in with a code, a recovery code and a passkey', async ({
  page,
}) => {
  const email = `second.admin.${Date.now()}@rso.example`;
  await createUser(page, email, 'Second Administrator', 'admin');

  // Signing in with the password alone leads to enrolment, whatever page was asked for.
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(email, PASSWORD);
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await page.goto('/nominations');
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible();
  await expect(page.locator('.qr-code svg')).toBeVisible();

  // The app is set up from the secret as text; a code confirms it.
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  const enrolledAt = Date.now();
  await page.getByLabel('Code from the app').fill(totp(secret, enrolledAt));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page).toHaveURL(/\/account\/recovery-codes$/);
  const codes = await page.getByTestId('recovery-codes').locator('code').allInnerTexts();
  expect(codes).toHaveLength(10);
  await page.getByRole('link', { name: 'I have kept them' }).click();
  await expect(page.getByTestId('two-step-status')).toHaveText('On, with an authenticator app.');
  // Shown once.
  await page.goto('/account/recovery-codes');
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await new Header(page).signOut();

  // Password, then the app's next code (the one of the enrolment step is used up).
  await login.goto();
  await login.signIn(email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await page.getByLabel('Code').fill(totp(secret, enrolledAt + 30_000));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('user-name')).toHaveText('Second Administrator');
  await new Header(page).signOut();

  // A recovery code works once.
  for (const attempt of [1, 2]) {
    await login.goto();
    await login.signIn(email, PASSWORD);
    await expect(page).toHaveURL(/\/login\/verify$/);
    await page.getByLabel('Code').fill(codes[0]);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    if (attempt === 1) {
      await expect(page.getByTestId('user-name')).toHaveText('Second Administrator');
      await new Header(page).signOut();
    } else {
      await expect(page.locator('[data-error-for="code"]')).toContainText('already used');
    }
  }

  // A passkey, on Chromium's virtual authenticator: register it, sign in with it, remove it.
  await page.getByLabel('Code').fill(codes[1]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('user-name')).toHaveText('Second Administrator');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  await page.goto('/account');
  await expect(page.locator('html[data-passkeys="ready"]')).toHaveCount(1);
  await page.getByLabel('Name of this passkey').fill('test laptop');
  await page.getByTestId('passkey-add').click();
  await expect(page.getByRole('status')).toContainText('The passkey "test laptop" was added');
  await expect(page.getByTestId('passkeys')).toContainText('test laptop');
  await new Header(page).signOut();

  await page.goto('/login');
  await page.getByTestId('passkey-signin').click();
  await expect(page.getByTestId('user-name')).toHaveText('Second Administrator');
  await page.goto('/account');
  await expect(page.getByTestId('passkeys')).not.toContainText('Never');
  await expect(page.getByTestId('sign-ins')).toContainText('Passkey');
  await page.getByRole('button', { name: 'Remove the passkey test laptop' }).click();
  await expect(page.getByRole('status')).toContainText('The passkey "test laptop" was removed');
  await expect(page.getByTestId('passkeys')).toHaveCount(0);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the second step works as a plain form, and no passkey button is offered', async ({ page }) => {
    const email = `nojs.coordinator.${Date.now()}@rso.example`;
    await createUser(page, email, 'Plain Coordinator', 'coordinator');
    const login = new LoginPage(page);
    await login.goto();
    await expect(page.getByTestId('passkey-signin')).toBeHidden();
    await login.signIn(email, PASSWORD);
    await expect(page).toHaveURL(/\/account\/two-factor$/);
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    const enrolledAt = Date.now();
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.locator('[data-error-for="code"]')).toContainText('not correct');
    await page.getByLabel('Code from the app').fill(totp(secret, enrolledAt));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
    await page.getByRole('link', { name: 'I have kept them' }).click();
    await new Header(page).signOut();
    await login.signIn(email, PASSWORD);
    await expect(page).toHaveURL(/\/login\/verify$/);
    await page.getByLabel('Code').fill(totp(secret, enrolledAt + 30_000));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page.getByTestId('user-name')).toHaveText('Plain Coordinator');
  });
});
