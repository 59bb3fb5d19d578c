import { expect, test, type Page } from '@playwright/test';
import { Header, signInAs } from './pages/login-page';
import { allMail } from './pages/mailbox';

const CONFIRMATION = 'I confirm that the officer has been given this privacy notice.';

/**
 * A draft saved without the privacy-notice confirmation: its submission is refused at the box
 * and nothing moves; ticked with the submission, it goes, and the page says who confirmed.
 */
async function submitsOnlyOnceTheOfficerIsTold(page: Page, pages: NominationPages) {
  await signInAs(page, 'nominator');
  await pages.fillNew(`Chaminda Ratnayake ${Date.now()}`, false);
  await expect(page.locator('dt:has-text("Privacy notice") + dd')).toContainText('Not yet confirmed');
  await pages.press('Submit to the RSO');
  await expect(page.locator('[data-error-for="officer_told"]')).toContainText('privacy notice');
  await expect(pages.badge()).toHaveText('Draft');
  await page.getByLabel(CONFIRMATION).check();
  await pages.press('Submit to the RSO');
  await expect(pages.badge()).toHaveText('Submitted');
  await expect(page.locator('dt:has-text("Privacy notice") + dd')).toContainText('confirmed by Nimal Perera');
}

/** The nomination form and page. */
class NominationPages {
  constructor(private readonly page: Page) {}

  /** Fills and saves a new draft; `told` ticks the privacy-notice confirmation on the form. */
  async fillNew(officer: string, told = true) {
    const p = this.page;
    await p.goto('/nominations/new');
    await p.getByRole('textbox', { name: 'Full name' }).fill(officer);
    await p.getByRole('textbox', { name: 'Position and rank' }).fill('Immigration Officer');
    await p.getByRole('textbox', { name: 'Work e-mail' }).fill('officer@immigration.lk.example');
    // Nationality and languages come from lists; the members' states are listed first.
    await p.getByRole('combobox', { name: 'Nationality' }).selectOption({ label: 'Sri Lanka' });
    await p.getByRole('listbox', { name: 'Languages' }).selectOption([{ label: 'Sinhala' }, { label: 'English' }]);
    await p.getByRole('combobox', { name: 'Proposed host agency' }).selectOption({ label: 'Regional Support Office, Bangkok (Regional Support Office)' });
    await p.getByLabel('Aviation people smuggling').check();
    await p.getByRole('textbox', { name: 'Proposed start' }).fill('2027-03-01');
    await p.getByRole('textbox', { name: 'Proposed end' }).fill('2027-09-01');
    await p.getByRole('textbox', { name: 'Objectives' }).fill('Information sharing on aviation people smuggling.');
    await p.getByRole('textbox', { name: 'Justification' }).fill('A regional priority.');
    await expect(p.getByRole('group', { name: 'Privacy notice for the officer' })).toContainText('Regional Support Office in Bangkok keeps');
    if (told) await p.getByLabel(CONFIRMATION).check();
    await p.getByRole('button', { name: 'Save draft' }).click();
    await expect(p.getByRole('status')).toContainText('Nomination saved as a draft.');
  }

  async attachPdf() {
    await this.page.locator('#f-file').setInputFiles({
      name: 'CV.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
    });
    await this.page.getByRole('button', { name: 'Upload' }).click();
    await expect(this.page.getByRole('status')).toContainText('Document CV.pdf attached.');
  }

  async press(name: string) {
    await this.page.getByRole('button', { name }).click();
  }

  badge() {
    return this.page.locator('.page-header .state');
  }
}

test('a nomination goes from the nominator to an approved placement, and the agencies are told', async ({ page }) => {
  const officer = `Kumari Silva ${Date.now()}`;
  const pages = new NominationPages(page);
  page.on('console', (m) => { if (m.text().includes('panicked')) console.log('CONSOLE', m.text()); });
  await signInAs(page, 'nominator');
  await pages.fillNew(officer);
  // Stored as codes, shown as names.
  await expect(page.locator('dt:has-text("Nationality") + dd')).toHaveText('Sri Lanka');
  await expect(page.locator('dt:has-text("Languages") + dd')).toHaveText('English, Sinhala');
  await pages.attachPdf();
  await pages.press('Submit to the RSO');
  await expect(pages.badge()).toHaveText('Submitted');
  const url = page.url();
  await new Header(page).signOut();

  await signInAs(page, 'coordinator');
  await page.goto(url);
  await pages.press('Start review');
  await expect(pages.badge()).toHaveText('Under review');
  await page.getByRole('textbox', { name: 'Message to the sending agency' }).fill('Please add the endorsement letter.');
  await pages.press('Request changes');
  await expect(pages.badge()).toHaveText('Changes requested');
  await new Header(page).signOut();

  await signInAs(page, 'nominator');
  await expect(page.getByTestId('waiting')).toContainText(officer);
  await page.goto(url);
  await expect(page.getByText('Please add the endorsement letter.').first()).toBeVisible();
  await pages.press('Submit again');
  await expect(pages.badge()).toHaveText('Submitted');
  await new Header(page).signOut();

  await signInAs(page, 'coordinator');
  await page.goto(url);
  await pages.press('Start review');
  await page.getByRole('textbox', { name: "Supervisor's name" }).fill('Dr Malee Chai');
  await page.getByRole('textbox', { name: "Supervisor's e-mail" }).fill('malee.chai@rso.example');
  await pages.press('Approve and create the placement');
  await expect(pages.badge()).toHaveText('Approved');
  await page.getByRole('link', { name: 'the placement' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Placement of ${officer}`);
  await expect(page.getByText('Dr Malee Chai <malee.chai@rso.example>')).toBeVisible();

  // The e-mails reached the sending and the host agencies' contacts.
  await expect
    .poll(async () => {
      const mail = await allMail();
      const approved = mail.filter((m) => m.subject.startsWith('Nomination approved') && m.subject.includes(officer));
      return approved.flatMap((m) => m.to).sort();
    }, { timeout: 15_000 })
    .toEqual(['programme@rso.example', 'secondments@immigration.lk.example']);
  const changes = (await allMail()).find((m) => m.subject.startsWith('Changes requested') && m.subject.includes(officer));
  expect(changes?.text).toContain('Please add the endorsement letter.');
});

test('a nomination is submitted only once the officer is confirmed as told of the privacy notice', async ({ page }) => {
  await submitsOnlyOnceTheOfficerIsTold(page, new NominationPages(page));
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the privacy notice is confirmed before a submission with plain HTML forms', async ({ page }) => {
    await submitsOnlyOnceTheOfficerIsTold(page, new NominationPages(page));
  });

  test('a nominator creates and submits a nomination with plain HTML forms', async ({ page }) => {
    const officer = `Ruwan Perera ${Date.now()}`;
    const pages = new NominationPages(page);
    await signInAs(page, 'nominator');
    // A refused save shows the messages at the fields, and keeps what was typed.
    await page.goto('/nominations/new');
    await page.getByRole('textbox', { name: 'Full name' }).fill(officer);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.locator('[data-error-for="position"]')).toHaveText('This field is required.');
    await expect(page.getByRole('textbox', { name: 'Full name' })).toHaveValue(officer);

    await pages.fillNew(officer);
    await pages.attachPdf();
    await pages.press('Submit to the RSO');
    await expect(pages.badge()).toHaveText('Submitted');
  });

  test('a nominator removes and replaces documents of a draft with plain HTML forms', async ({ page }) => {
    const officer = `Dilani Fernando ${Date.now()}`;
    const pages = new NominationPages(page);
    const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await signInAs(page, 'nominator');
    await pages.fillNew(officer);
    await pages.attachPdf();
    await page.locator('#f-file').setInputFiles(pdf('Letter.pdf'));
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('status')).toContainText('Document Letter.pdf attached.');

    // Replace the CV with a newer one.
    const replaceCv = page.locator('form').filter({ has: page.getByLabel('Replace CV.pdf with') });
    await replaceCv.getByLabel('Replace CV.pdf with').setInputFiles(pdf('CV-2027.pdf'));
    await replaceCv.getByRole('button', { name: 'Replace', exact: true }).click();
    await expect(page.getByRole('status')).toContainText('Document CV.pdf replaced by CV-2027.pdf.');
    // Remove the letter.
    await page.getByRole('button', { name: 'Remove Letter.pdf' }).click();
    await expect(page.getByRole('status')).toContainText('Document Letter.pdf removed.');

    const documents = page.getByRole('region', { name: 'Documents' }).getByRole('link');
    await expect(documents).toHaveText(['CV-2027.pdf']);
    const history = page.getByRole('region', { name: 'Status history and comments' });
    await expect(history).toContainText('Replaced the document CV.pdf with CV-2027.pdf.');
    await expect(history).toContainText('Removed the document Letter.pdf.');

    // Once submitted, nothing offers to change them.
    await pages.press('Submit to the RSO');
    await expect(pages.badge()).toHaveText('Submitted');
    await expect(page.getByRole('button', { name: 'Remove CV-2027.pdf' })).toHaveCount(0);
  });

  test('a nominator starts a new draft from an earlier nomination', async ({ page }) => {
    const officer = `Nimal Silva ${Date.now()}`;
    const pages = new NominationPages(page);
    await signInAs(page, 'nominator');
    await pages.fillNew(officer);
    await page.getByRole('link', { name: 'Start a new nomination from this one' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('New nomination from');
    await expect(page.getByRole('textbox', { name: 'Full name' })).toHaveValue(officer);
    await expect(page.getByRole('textbox', { name: 'Proposed start' })).toHaveValue('');
    await page.getByRole('textbox', { name: 'Proposed start' }).fill('2028-03-01');
    await page.getByRole('textbox', { name: 'Proposed end' }).fill('2028-09-01');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('status')).toContainText('Nomination saved as a draft.');
    await expect(page.getByRole('region', { name: 'Documents' })).toContainText('No documents attached.');
  });
});
