#!/usr/bin/env node
/*
 * A phone's browser for the system tests: Debian's chromium driven by playwright-core,
 * kept open while the test's shell asks it for one step at a time, so the shell can
 * look at the database between the steps as the browser takes them.
 *
 * Usage: CHROMIUM=/usr/bin/chromium node tests/tools/browser_done.mjs
 *   (needs `npm ci --prefix tests` first; playwright-core is pinned in tests/package.json)
 *
 * Reads one step a line on stdin, its words separated by tabs; answers each with one
 * line of JSON on stdout, {"error": "..."} if the step failed. Every page is laid out as
 * on a phone, 390x844 CSS pixels, touch, the page's own viewport honoured.
 *   mail FILE TITLE    the mail's HTML from FILE, as a mail client shows it (setContent),
 *                      and in it the list item holding TITLE:
 *                      {"label", "label_visible", "link_visible", "link_fits", "href", …}
 *                      label: the item's first bold label ("[SẮP ĐẾN HẠN]"); href: its
 *                      link "Báo cáo hoàn thành việc này"
 *   open TAB URL       TAB (any name; a new tab the first time) goes to URL: the page
 *   submit TAB NOTE LINK
 *                      on TAB's form: types NOTE and LINK into the fields labelled "Ghi chú"
 *                      and "Liên kết sản phẩm", clicks "Xác nhận đã hoàn thành": the page
 *   reload TAB         reloads TAB as its user would (a POST is sent again): the page
 * A page is {"status", "method", "url", "lang", "title", "h1", "notice", "state", "facts":
 * {dt: dd}, "form", "body", "scroll_width", "inner_width", "styled", "problems"}:
 * status, method: of the response shown; notice, state: the text of .notice and .state
 * (null when absent); form: whether it has a form; styled: whether the page's own
 * stylesheet applies (the body's max-width and the state's border, as html.c sets them).
 * inner_width: a phone zooms out of a page wider than its screen, so innerWidth grows
 * past 390 then: a page fits when inner_width is 390 and scroll_width no more.
 * problems, in every answer: what the pages' consoles said at level warning or error,
 * uncaught exceptions and Content Security Policy violations, since the last answer;
 * not Chromium's line on the shown page's own status (a 403 is the answer's status).
 * EOF on stdin closes the browser and exits 0.
 */
import { answerSteps } from './browser_steps.mjs';
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3,
  isMobile: true, hasTouch: true, locale: 'vi-VN' };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext(PHONE);
context.setDefaultTimeout(10000);
// Before any of the page's own code: a CSP violation is reported to the page as an event
// even where the console would not say it.
await context.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
  });
});

const tabs = new Map();
let problems = [];

function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push({ text: `console ${m.type()}: ${m.text()}`, url: m.location().url });
  });
  page.on('pageerror', (e) => problems.push({ text: `page error: ${e.message}` }));
  return page;
}

async function tab(name) {
  if (!tabs.has(name))
    tabs.set(name, watch(await context.newPage()));
  return tabs.get(name);
}

async function describe(page, response) {
  // Chromium's word on the page's own status (403, 410), which the answer gives anyway.
  const own = `console error: Failed to load resource: the server responded with a status ` +
    `of ${response?.status()} `;
  problems = problems.filter((p) => !(p.url === page.url() && p.text.startsWith(own)));
  const p = await page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.innerText.trim() ?? null;
    const facts = {};
    for (const dt of document.querySelectorAll('dt'))
      facts[dt.innerText.trim()] = dt.nextElementSibling?.innerText.trim() ?? '';
    const state = document.querySelector('.state');
    return {
      lang: document.documentElement.lang,
      title: document.title,
      h1: text('h1'),
      notice: text('.notice'),
      state: text('.state'),
      facts,
      form: document.querySelector('form') !== null,
      body: document.body.innerText,
      scroll_width: document.documentElement.scrollWidth,
      inner_width: innerWidth,
      styled: getComputedStyle(document.body).maxWidth !== 'none' &&
        (state === null || getComputedStyle(state).borderTopStyle === 'solid'),
    };
  });
  return { status: response?.status() ?? null, method: response?.request().method() ?? null,
    url: page.url(), ...p };
}

const steps = {
  async mail(file, title) {
    const page = await tab('mail');
    await page.setContent(fs.readFileSync(file, 'utf8'));
    const item = page.getByRole('listitem').filter({ hasText: title });
    if (await item.count() !== 1)
      throw new Error(`${await item.count()} list items hold "${title}"`);
    const label = item.locator('b').first();
    const link = item.getByRole('link', { name: 'Báo cáo hoàn thành việc này', exact: true });
    const box = await link.boundingBox();
    return {
      label: await label.innerText(),
      label_visible: await label.isVisible(),
      link_visible: await link.isVisible(),
      link_fits: box !== null && box.x >= 0 && box.x + box.width <= PHONE.viewport.width,
      href: await link.getAttribute('href'),
      scroll_width: await page.evaluate(() => document.documentElement.scrollWidth),
      inner_width: await page.evaluate(() => innerWidth),
    };
  },
  async open(name, url) {
    const page = await tab(name);
    return describe(page, await page.goto(url));
  },
  async submit(name, note, link) {
    const page = await tab(name);
    await page.getByLabel('Ghi chú', { exact: true }).fill(note);
    await page.getByLabel('Liên kết sản phẩm').fill(link);
    const response = page.waitForResponse((r) => r.request().isNavigationRequest() &&
      r.frame() === page.mainFrame());
    await page.getByRole('button', { name: 'Xác nhận đã hoàn thành' }).click();
    const answer = await response;
    await page.waitForLoadState();
    return describe(page, answer);
  },
  async reload(name) {
    const page = await tab(name);
    return describe(page, await page.reload());
  },
};

await answerSteps(steps, () => {
  const said = problems.map((p) => p.text);
  problems = [];
  return said;
});
await browser.close();
