import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';

/** Follows `link` from the dashboard and checks where it lands, then comes back. */
async function landsOn(page: Page, link: ReturnType<Page['getByRole']>, path: string, params: Record<string, string>) {
  await link.click();
  await expect(page).toHaveURL((url) => url.pathname === path);
  const url = new URL(page.url());
  for (const [name, value] of Object.entries(params)) {
    expect(url.searchParams.get(name), `${name} in ${page.url()}`).toBe(value);
  }
  await page.goBack();
}

test("the coordinator's dashboard sums up the programme, and every figure opens its filtered list", async ({ page }) => {
  await signInAs(page, 'coordinator');

  // The pipeline: each state's count opens the list on that state, with its oldest waiting.
  const pipeline = page.getByRole('region', { name: 'Nominations by state' });
  const submitted = pipeline.getByRole('link', { name: /Submitted/ }).first();
  await expect(pipeline.getByRole('link', { name: /^oldest \d+ days?$/ }).first()).toBeVisible();
  await landsOn(page, submitted, '/nominations', { status: 'submitted' });
  const oldest = pipeline.getByRole('link', { name: /^oldest \d+ days?$/ }).first();
  await landsOn(page, oldest, '/nominations', { sort: 'updated', dir: 'asc' });

  // Reports: due this week, overdue and waiting for review, each with its whole list.
  const reports = page.getByRole('region', { name: 'Reports' });
  await landsOn(page, reports.getByRole('link', { name: 'See all: overdue, oldest first' }), '/reports', { status: 'overdue' });
  await expect(reports.getByTestId('overdue').getByRole('listitem').first()).toBeVisible();

  // Utilisation per agreement: a chart with its table; a bar opens the agreement.
  const utilisation = page.getByRole('region', { name: 'Utilisation of agreements under way' });
  await expect(utilisation.locator('svg')).toBeVisible();
  await expect(utilisation.getByRole('table')).toContainText('AUS-2026-01');
  await utilisation.getByRole('table').getByRole('link', { name: 'AUS-2026-01' }).click();
  await expect(page).toHaveURL(/\/funding\/agreements\/[a-z0-9]+$/);
  await page.goBack();

  // Counts by member and by theme open the placements list so filtered.
  const byMember = page.getByRole('region', { name: 'Placements under way by member' });
  const member = byMember.getByRole('link').first();
  const href = new URL((await member.getAttribute('href'))!, page.url());
  await landsOn(page, member, '/placements', { member: href.searchParams.get('member')! });

  // Overlaps and the timeline of the next six months.
  await landsOn(page, page.getByRole('link', { name: 'See all overlapping placements' }), '/placements', { kind: 'overlap' });
  const ahead = page.getByRole('region', { name: 'The next six months' });
  await expect(ahead.locator('svg')).toBeVisible();
});
