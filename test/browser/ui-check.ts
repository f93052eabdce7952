import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Opens the docs UI and the GraphiQL explorer of a running server in Debian's Chromium, with
 * every request to another host refused, and reports what did not work (shared/notes/OFFLINE-UI.md).
 */

export interface UiCheckOptions {
  /** Where the pages' screenshots go. */
  screenshotDir: string;
  /** Screenshots of every page, not only of those that failed. */
  alwaysScreenshot?: boolean;
  chromiumPath?: string;
  log?: (message: string) => void;
}

export interface UiCheckResult {
  failures: string[];
  screenshots: string[];
}

const PAGE_TIMEOUT_MS = 30_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface PageCheck {
  name: string;
  path: string;
  /** Throws with a message saying what is missing. */
  expect(page: Page): Promise<void>;
}

/** Waits for what `what` describes; the error names it instead of Playwright's locator text. */
async function waitFor(what: string, wait: () => Promise<unknown>): Promise<void> {
  try {
    await wait();
  } catch {
    throw new Error(`${what} did not appear within ${PAGE_TIMEOUT_MS / 1000} s`);
  }
}

const PAGES: PageCheck[] = [
  {
    name: 'docs',
    path: '/docs',
    async expect(page) {
      const title = page.locator('.swagger-ui .info .title').filter({ hasText: 'Port Registry' });
      await waitFor('the Swagger UI title "Port Registry"', () =>
        title.waitFor({ timeout: PAGE_TIMEOUT_MS }),
      );
      // At least one operation rendered: the document loaded and parsed.
      const operation = page.locator('.swagger-ui .opblock').first();
      await waitFor('a Swagger UI operation', () =>
        operation.waitFor({ timeout: PAGE_TIMEOUT_MS }),
      );
      const errors = await page.locator('.swagger-ui .errors-wrapper').allInnerTexts();
      if (errors.length > 0) {
        throw new Error(`Swagger UI shows errors: ${errors.join(' | ').replace(/\s+/g, ' ')}`);
      }
    },
  },
  {
    name: 'graphiql',
    path: '/graphiql',
    async expect(page) {
      const run = page.locator('.graphiql-container .graphiql-execute-button');
      await waitFor('GraphiQL and its run button', () => run.waitFor({ timeout: PAGE_TIMEOUT_MS }));
      await run.click({ timeout: PAGE_TIMEOUT_MS });
      const response = page.locator('.graphiql-response');
      const answered = response
        .filter({ hasText: '"data"' })
        .or(response.filter({ hasText: '"errors"' }))
        .first();
      await waitFor('an answer to the example query', () =>
        answered.waitFor({ timeout: PAGE_TIMEOUT_MS }),
      );
      const text = await response.innerText();
      if (text.includes('"errors"') || !/"port":\s*443/.test(text)) {
        throw new Error(`the example query did not answer port 443: ${text.replace(/\s+/g, ' ')}`);
      }
    },
  },
];

/** What a page asked of other hosts, failed to load, or complained about on its console. */
function watchPage(page: Page, allowedHost: string, failures: string[]): void {
  page.on('requestfailed', (request) => {
    const url = new URL(request.url());
    // Requests to other hosts are already reported by the route handler that refused them.
    if (url.host !== allowedHost) return;
    failures.push(
      `request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`,
    );
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      failures.push(
        `HTTP ${response.status()} for ${response.request().method()} ${response.url()}`,
      );
    }
  });
  page.on('console', (message) => {
    // Content-Security-Policy violations are reported here as errors; failed loads are not
    // repeated (the two handlers above report them).
    if (message.type() !== 'error' || message.text().startsWith('Failed to load resource')) return;
    failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`script error: ${error.message}`));
}

async function refuseOtherHosts(
  context: BrowserContext,
  allowedHost: string,
  failures: string[],
): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.host === allowedHost;
    if (local) return route.continue();
    failures.push(`request to another host: ${route.request().url()}`);
    return route.abort('blockedbyclient');
  });
}

export async function checkUi(baseUrl: string, options: UiCheckOptions): Promise<UiCheckResult> {
  const log = options.log ?? (() => undefined);
  const allowedHost = new URL(baseUrl).host;
  const failures: string[] = [];
  const screenshots: string[] = [];
  const browser = await chromium.launch({
    executablePath: options.chromiumPath ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: PAGE_TIMEOUT_MS,
  });
  try {
    for (const check of PAGES) {
      // A new context per page: an empty profile, no cache, no GraphiQL tabs from before.
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const pageFailures: string[] = [];
      await refuseOtherHosts(context, allowedHost, pageFailures);
      const page = await context.newPage();
      watchPage(page, allowedHost, pageFailures);
      const url = new URL(check.path, baseUrl).toString();
      log(`opening ${url}`);
      try {
        const response = await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
        if (response?.ok()) {
          await check.expect(page);
          await page.waitForLoadState('networkidle', { timeout: PAGE_TIMEOUT_MS });
        } else {
          pageFailures.push(`the page answered HTTP ${response?.status() ?? 'nothing'}`);
        }
      } catch (error) {
        pageFailures.push(
          error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error),
        );
      }
      if (pageFailures.length > 0 || options.alwaysScreenshot) {
        await mkdir(options.screenshotDir, { recursive: true });
        const file = path.join(options.screenshotDir, `${check.name}.png`);
        await page.screenshot({ path: file, fullPage: true }).then(
          () => screenshots.push(file),
          (error: unknown) => pageFailures.push(`no screenshot of ${check.name}: ${String(error)}`),
        );
      }
      failures.push(...pageFailures.map((failure) => `${check.path}: ${failure}`));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { failures, screenshots };
}
