import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo-password-1';

/** The sign-in page. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/login');
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('E-mail').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The message shown at a field. */
  errorAt(field: string) {
    return this.page.locator(`[data-error-for="${field}"]`);
  }
}

/** The header that every signed-in page shows. */
export class Header {
  constructor(private readonly page: Page) {}

  nav() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  async navLabels(): Promise<string[]> {
    return (await this.nav().getByRole('link').allInnerTexts()).map((t) => t.trim());
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }
}

export async function signInAs(page: Page, role: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(`${role}@demo.hub`, DEMO_PASSWORD);
  await expect(page.getByTestId('user-name')).toBeVisible();
}
