import { expect } from '@playwright/test';

/** A message as the test SMTP server (support/smtp-sink.mjs) received it. */
export interface Mail {
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

const MAILBOX = `http://127.0.0.1:${process.env.HUB_E2E_MAILBOX_PORT ?? '2580'}`;

export async function allMail(): Promise<Mail[]> {
  const response = await fetch(`${MAILBOX}/messages`);
  return (await response.json()) as Mail[];
}

/** Waits for the first message to `address` and returns it. */
export async function mailTo(address: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(async () => {
      found = (await allMail()).find((m) => m.to.includes(address));
      return found !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  return found!;
}

/** The first link in a text that contains `needle`. */
export function linkIn(text: string, needle: string): string {
  const link = text.split(/\s+/).find((word) => word.startsWith('http') && word.includes(needle));
  if (!link) throw new Error(`no link with ${needle} in:\n${text}`);
  return link;
}
