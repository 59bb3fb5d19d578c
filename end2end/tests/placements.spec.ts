import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './pages/login-page';
import { allMail } from './pages/mailbox';

/** A date `days` from today, as the date inputs take it (YYYY-MM-DD). */
function daysFromToday(days: number): string {
  const date = new Date(Date.now() + days * 24 * 3600 * 1000);
  return date.toISOString().slice(0, 10);
}

/** Opens the placement of `officer` in `state` from the placements list. */
async function openPlacement(page: Page, officer: string, state: string) {
  await page.goto(`/placements?q=${encodeURIComponent(officer)}&status=${state}`);
  await page.getByRole('row').filter({ hasText: officer }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Placement of ${officer}`);
}

/** The recipients of the mails whose subject starts with `subject` and names `officer`. */
async function recipients(subject: string, officer: string): Promise<string[]> {
  const mail = await allMail();
  return mail.filter((m) => m.subject.startsWith(subject) && m.subject.includes(officer)).flatMap((m) => m.to).sort();
}

test('a coordinator extends a placement, and the host and sending agencies are told', async ({ page }) => {
  await signInAs(page, 'coordinator');
  await expect(page.getByTestId('placement-counts')).toBeVisible();
  await openPlacement(page, 'Wanida Chaiyasit', 'active');
  const form = page.locator('form[action="/api/placements/extend"]');
  // A date that does not move the end later is refused at the field.
  await form.getByRole('textbox', { name: 'New last day' }).fill(daysFromToday(1));
  await form.getByRole('textbox', { name: 'Reason' }).fill('The host asked for three more months.');
  await form.getByRole('button', { name: 'Extend' }).click();
  await expect(form.locator('[data-error-for="new_end"]')).toContainText('after the current end');
  await form.getByRole('textbox', { name: 'New last day' }).fill(daysFromToday(110));
  await form.getByRole('button', { name: 'Extend' }).click();
  await expect(page.getByRole('status').first()).toContainText('Placement extended. Both agencies have been told.');
  await expect(page.locator('.timeline').getByText('extended')).toBeVisible();

  await expect
    .poll(() => recipients('Placement extended', 'Wanida Chaiyasit'), { timeout: 15_000 })
    .toEqual(['foreign.affairs@immigration.th.example', 'kerjasama@imigrasi.id.example']);

  // The timeline draws it with the others, and lists the same data in a table.
  await page.goto('/placements/timeline');
  await expect(page.locator('svg.timeline-chart')).toBeVisible();
  await expect(page.getByTestId('timeline-table')).toContainText('Wanida Chaiyasit');
  await expect(page.locator('svg.timeline-chart .bar-extension').first()).toBeVisible();
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('a coordinator ends a placement early with plain HTML forms', async ({ page }) => {
    await signInAs(page, 'coordinator');
    await openPlacement(page, 'Hoang Van Nam', 'active');
    const form = page.locator('form[action="/api/placements/end-early"]');
    await form.getByRole('button', { name: 'End early' }).click();
    await expect(form.locator('[data-error-for="reason"]')).toBeVisible();
    await form.getByRole('textbox', { name: 'Last day' }).fill(daysFromToday(5));
    await form.getByRole('textbox', { name: 'Reason' }).fill('Recalled by the ministry.');
    await form.getByRole('button', { name: 'End early' }).click();
    await expect(page.getByRole('status').first()).toContainText('Early end recorded. Both agencies have been told.');
    await expect(page.getByText('Ends early, last day')).toBeVisible();

    await expect
      .poll(() => recipients('Placement ending early', 'Hoang Van Nam'), { timeout: 15_000 })
      .toEqual(['hoptac@xuatnhapcanh.vn.example', 'programme@rso.example']);
  });
});
