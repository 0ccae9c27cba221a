/**
 * The built docs site, served over HTTP and opened in headless Chromium: every library under packages/*
 * and every guide is reachable from the home page, no page logs a console error, and no link in the
 * site is broken (HTTP error or a missing #anchor). Builds the site first when apps/docs/dist is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverGuides, discoverPackages, docsRoot, workspaceRoot } from '../src/packages.js';

// Debian's chromium by default; AINKA_CHROMIUM points elsewhere (e.g. Ubuntu, where the package is a snap).
const chromiumPath = process.env.AINKA_CHROMIUM ?? '/usr/bin/chromium';
const distDir = join(docsRoot, 'dist');
const screenshotPath = join(distDir, 'screenshot-home.png');
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`[docs test] skipped: ${chromiumPath} is missing (apt-get install chromium, or set AINKA_CHROMIUM to a Chromium binary)`);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** A static file server for `root` on 127.0.0.1 (random port); anything outside `root` is a 404. */
function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

interface Visit {
  url: string;
  problems: string[];
}

/** Opens `url` and returns the problems seen: console errors, page errors, failed or 4xx/5xx requests. */
async function visit(page: Page, url: string): Promise<Visit> {
  const problems: string[] = [];
  const onConsole = (msg: { type(): string; text(): string; location(): { url: string } }): void => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url || url})`);
  };
  const onPageError = (error: Error): void => void problems.push(`page error: ${error.message}`);
  const onResponse = (response: { status(): number; url(): string }): void => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  };
  const onRequestFailed = (request: { url(): string; failure(): { errorText: string } | null }): void =>
    void problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) problems.push(`HTTP ${response?.status() ?? 'no response'} for ${url}`);
    // typedoc's scripts build the sidebar after load (from assets/navigation.js): wait until they have,
    // so that errors they log are caught here.
    await page.waitForSelector('#tsd-nav-container a', { state: 'attached', timeout: 10_000 });
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('response', onResponse);
    page.off('requestfailed', onRequestFailed);
  }
  return { url, problems };
}

/** `href`/`src` attribute values in an HTML document. */
function linksIn(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? '').map((v) => v.replace(/&amp;/g, '&'));
}

/** Decoded id/name targets in an HTML or SVG document. */
function anchorsIn(text: string): Set<string> {
  const ids = [...text.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1] ?? '');
  return new Set(ids.map((id) => id.replace(/&amp;/g, '&')));
}

/**
 * Fetches every same-origin page reachable from `start` and checks each link and resource reference:
 * the target must answer 200 and, for `#fragment` links into HTML or SVG, contain that id.
 * Returns the broken links ("page → link: reason") and the number of pages crawled.
 */
async function crawl(start: string, origin: string): Promise<{ broken: string[]; pages: number }> {
  const bodies = new Map<string, { status: number; text: string; type: string }>();
  const get = async (url: string): Promise<{ status: number; text: string; type: string }> => {
    let entry = bodies.get(url);
    if (!entry) {
      const response = await fetch(url);
      const type = response.headers.get('content-type') ?? '';
      const text = /html|svg|css|javascript|json/.test(type) ? await response.text() : '';
      if (!text) await response.body?.cancel();
      entry = { status: response.status, text, type };
      bodies.set(url, entry);
    }
    return entry;
  };
  const broken: string[] = [];
  const queue = [start];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const pageUrl = queue.shift() as string;
    const pageEntry = await get(pageUrl);
    if (pageEntry.status !== 200) continue; // reported by the page that links here
    for (const raw of linksIn(pageEntry.text)) {
      if (/^(mailto|javascript|data):/.test(raw)) continue;
      const target = new URL(raw, pageUrl);
      if (target.origin !== origin) continue; // the site must not depend on the network; none expected
      const fragment = decodeURIComponent(target.hash.slice(1));
      target.hash = '';
      const targetUrl = target.href;
      const entry = await get(targetUrl);
      const where = `${pageUrl.slice(origin.length)} → ${raw}`;
      if (entry.status !== 200) {
        broken.push(`${where}: HTTP ${entry.status}`);
        continue;
      }
      if (fragment && /html|svg/.test(entry.type) && !anchorsIn(entry.text).has(fragment)) {
        broken.push(`${where}: no element with id "${fragment}"`);
      }
      if (entry.type.startsWith('text/html') && !seen.has(targetUrl)) {
        seen.add(targetUrl);
        queue.push(targetUrl);
      }
    }
  }
  return { broken, pages: seen.size };
}

describe.skipIf(!haveChromium)('docs site', () => {
  let server: Server | undefined;
  let origin = '';
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      console.log('[docs test] apps/docs/dist is missing: building it (npx tsx apps/docs/src/build.ts)');
      execFileSync(process.execPath, ['--import', 'tsx', join(docsRoot, 'src', 'build.ts')], {
        cwd: workspaceRoot,
        stdio: 'inherit',
        timeout: 120_000,
      });
    }
    ({ server, origin } = await serve(distDir));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('renders the home page without console errors and saves a screenshot', async () => {
    const home = await visit(page, `${origin}/index.html`);
    expect(home.problems).toEqual([]);
    expect(await page.locator('h1').first().textContent()).toContain('AINKA');
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(statSync(screenshotPath).size).toBeGreaterThan(10_000);
  });

  /** The href of the home page's link whose text is exactly `text`, resolved against the home page. */
  async function homeLink(text: string): Promise<string | undefined> {
    const hrefs = await page.$$eval('.col-content a', (links) =>
      links.map((a) => ({ text: (a.textContent ?? '').trim(), href: (a as HTMLAnchorElement).href })),
    );
    return hrefs.find((l) => l.text === text)?.href;
  }

  it("links from the home page to every package's reference, which opens cleanly", async () => {
    const packages = discoverPackages().filter((p) => p.hasEntryPoint);
    expect(packages.length).toBeGreaterThan(0);
    expect((await visit(page, `${origin}/index.html`)).problems).toEqual([]);
    const targets = new Map<string, string | undefined>();
    for (const pkg of packages) targets.set(pkg.name, await homeLink(pkg.name));
    for (const [name, href] of targets) {
      expect(href, `home page has no link to ${name}`).toBeDefined();
      const target = await visit(page, href as string);
      expect(target.problems, `${name} reference page`).toEqual([]);
      expect(await page.locator('h1').first().textContent()).toContain(name);
      // The reference lists the package's exports (or says it has none yet).
      expect(await page.locator('.col-content').first().textContent()).not.toBe('');
    }
  });

  it('links from the home page to every guide, which opens cleanly', async () => {
    const guides = discoverGuides();
    expect(guides.length).toBeGreaterThan(0);
    expect((await visit(page, `${origin}/index.html`)).problems).toEqual([]);
    const targets = new Map<string, string | undefined>();
    for (const guide of guides) targets.set(guide.title, await homeLink(guide.title));
    for (const [title, href] of targets) {
      expect(href, `home page has no link to the guide "${title}"`).toBeDefined();
      const target = await visit(page, href as string);
      expect(target.problems, `guide "${title}"`).toEqual([]);
      expect(await page.locator('h1').first().textContent()).toContain(title);
      // Every image in the guide loaded (the architecture diagram is an SVG file).
      const broken = await page.$$eval('.col-content img', (imgs) =>
        imgs.filter((i) => !(i as HTMLImageElement).complete || (i as HTMLImageElement).naturalWidth === 0).map((i) => (i as HTMLImageElement).src),
      );
      expect(broken, `broken images in "${title}"`).toEqual([]);
    }
  });

  it('has no broken link or missing anchor anywhere in the site', async () => {
    const { broken, pages } = await crawl(`${origin}/index.html`, origin);
    console.log(`[docs test] crawled ${pages} pages`);
    expect(pages).toBeGreaterThan(discoverPackages().filter((p) => p.hasEntryPoint).length);
    expect(broken).toEqual([]);
  });
});
