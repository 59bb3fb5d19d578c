import { expect, test } from '@playwright/test';
import { Header, signInAs } from './pages/login-page';

// What each demo user finds in the main navigation, and the heading of their home page.
const ROLES: Record<string, { nav: string[]; heading: RegExp }> = {
  admin: {
    nav: ['Home', 'Calls', 'Interest', 'Nominations', 'Placements', 'Reports', 'Funding', 'Members', 'Agencies', 'Donors', 'Themes', 'Users', 'Mail log', 'Audit trail', 'Access log', 'Account'],
    heading: /Administration/,
  },
  coordinator: {
    nav: ['Home', 'Calls', 'Interest', 'Nominations', 'Placements', 'Reports', 'Funding', 'Members', 'Agencies', 'Donors', 'Themes', 'Mail log', 'Account'],
    heading: /Programme overview/,
  },
  nominator: { nav: ['Home', 'Calls', 'Nominations', 'Placements', 'Reports', 'Account'], heading: /Nominations of Department of Immigration and Emigration/ },
  host: { nav: ['Home', 'Placements', 'Reports', 'Account'], heading: /Placements hosted by Regional Support Office, Bangkok/ },
  secondee: { nav: ['Home', 'Placements', 'Reports', 'Account'], heading: /Your placement/ },
  donor: { nav: ['Home', 'Funding', 'Placements', 'Reports', 'Account'], heading: /Funding of Government of Australia/ },
};

for (const [role, expected] of Object.entries(ROLES)) {
  test(`${role} signs in and sees their own navigation`, async ({ page }) => {
    await signInAs(page, role);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(expected.heading);
    expect(await new Header(page).navLabels()).toEqual(expected.nav);
  });
}

test('signing out ends the session', async ({ page }) => {
  await signInAs(page, 'coordinator');
  await new Header(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('You are signed out.')).toBeVisible();
  await page.goto('/admin/agencies');
  await expect(page).toHaveURL(/\/login\?next=\/admin\/agencies$/);
});
