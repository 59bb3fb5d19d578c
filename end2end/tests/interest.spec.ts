import { expect, test } from '@playwright/test';
import { Header, signInAs } from './pages/login-page';
import { allMail, linkIn, mailTo, type Mail } from './pages/mailbox';

test('an agency expresses interest signed out, confirms its address, is accepted and its contact lands as focal point', async ({ page }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const agency = `Immigration Service of Example ${stamp}`;
  const contact = `dewi.${stamp}@immigration.example`;

  // Signed out: the public page, its open calls and the form.
  await page.goto('/programme');
  await expect(page.getByRole('heading', { name: 'The regional secondment programme' })).toBeVisible();
  await expect(page.getByTestId('public-calls')).toContainText('Document examination desk, RSO Bangkok');
  await page.getByRole('textbox', { name: 'Agency' }).fill(agency);
  await page.getByRole('combobox', { name: 'Member state' }).selectOption({ label: 'Another state (not a member yet)' });
  await page.getByRole('textbox', { name: 'The state, if not a member' }).fill('Republic of Example');
  await page.getByRole('textbox', { name: 'Your name' }).fill('Dewi Lestari');
  await page.getByRole('textbox', { name: 'Work e-mail' }).fill(contact);
  await page.getByRole('textbox', { name: 'Your role' }).fill('Head of international cooperation');
  await page.getByLabel('Host officers of other agencies').check();
  await page.getByRole('textbox', { name: 'What are you interested in?' }).fill('<b>Two officers</b> on document examination.');
  // A person takes a few seconds over the form; a script that sends at once is turned away.
  await page.waitForTimeout(3_500);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toContainText('We have e-mailed you a link');

  // The link in the mail confirms it, once.
  const mail = await mailTo(contact);
  expect(mail.subject).toBe('Please confirm your interest in the secondment programme');
  const link = linkIn(mail.text, '/programme/confirm?token=');
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByRole('status')).toContainText('Your address is confirmed');
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.locator('[data-error-for="token"]')).toContainText('already confirmed');

  // A coordinator accepts it from the queue; the text stays text.
  await signInAs(page, 'coordinator');
  await page.goto('/interest');
  await page.getByRole('link', { name: agency }).click();
  await expect(page.getByTestId('enquiry')).toContainText('<b>Two officers</b> on document examination.');
  await expect(page.getByRole('combobox', { name: 'Member' })).toHaveValue('another');
  await page.getByRole('textbox', { name: "New member's ISO 3166 code (three letters)" }).fill('EXA');
  await page.getByRole('button', { name: 'Accept and invite' }).click();
  await expect(page.getByRole('status')).toContainText(`Accepted: ${agency} is an agency now`);
  await new Header(page).signOut();

  // The invitation reaches the contact, who sets a password and lands as the focal point.
  let invitation: Mail | undefined;
  await expect
    .poll(async () => {
      invitation = (await allMail()).find((m) => m.to.includes(contact) && m.subject === 'You are invited to Secondment Hub');
      return invitation !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  const welcome = linkIn(invitation!.text, '/account/welcome?token=');
  await page.goto(welcome);
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill('lanterns over the harbour');
  await page.getByLabel('Repeat the new password').fill('lanterns over the harbour');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Nominations of ${agency}`);
  await expect(page.getByTestId('user-name')).toHaveText('Dewi Lestari');
});
