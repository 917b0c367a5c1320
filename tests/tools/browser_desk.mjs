#!/usr/bin/env node
/*
 * A coordinator's browser for the desk's system test (tests/system/85-desk-browser.sh):
 * Debian's chromium driven by playwright-core, kept open while the test's shell asks it
 * for one step at a time, so the shell can look at the database and ask ntmctl between
 * the steps, as browser_done.mjs does for the done links.
 *
 * Usage: CHROMIUM=/usr/bin/chromium SHOTS=DIR node tests/tools/browser_desk.mjs
 *   (needs `npm ci --prefix tests` first; playwright-core is pinned in tests/package.json)
 *
 * Reads one step a line on stdin, its words separated by tabs; answers each with one
 * line of JSON on stdout, {"error": "..."} if the step failed. A tab named "phone…" is
 * a phone's, 390x844 CSS pixels, touch, holding the cookies the desktop had when the
 * first phone tab opened; any other tab is a desktop's, 1280x900.
 *   open TAB URL       TAB (a new tab the first time) goes to URL: the page
 *   signin TAB LOGIN PASSWORD
 *                      on TAB's sign-in form: types LOGIN and PASSWORD into the fields
 *                      labelled "Tên đăng nhập" and "Mật khẩu", clicks "Đăng nhập": the
 *                      page it ends on, with "cookies": the context's cookies then,
 *                      [{"name", "path", "httpOnly", "sameSite", "secure", "session"}]
 *   click TAB SCOPE NAME
 *                      clicks the one link named NAME (exactly) inside the one element
 *                      of CSS selector SCOPE ("nav", "table.data >> nth=0", ...): the page
 *   mark TAB NOTE      on an item's page: types NOTE into "Ghi chú", clicks "Đánh dấu đã
 *                      hoàn thành": the page it ends on
 *   press TAB NAME     clicks the one button named NAME: the page it ends on
 *   tick TAB LABEL     ticks the one checkbox labelled LABEL: {"label", "checked"}
 *   type TAB LABEL TEXT
 *                      clicks the one field labelled LABEL (exactly), empties it and
 *                      types TEXT key by key; a date (YYYY-MM-DD) or a time (HH:MM) is
 *                      typed into the parts its field shows, from the first: Chromium
 *                      lays them out in its own language, not the page's, and Debian's
 *                      has only en-US (no chromium-l10n): month, day, year; hours 1–12,
 *                      minutes, AM/PM; an empty TEXT empties any field. Fails unless
 *                      the field then holds TEXT: {"label", "value"}
 *   download TAB NAME FILE
 *                      clicks the link NAME of the page's first p.downloads, saves what
 *                      it downloads as FILE: {"file", "suggested", "url"}
 *   post TAB PATH FIELDS
 *                      a POST of FIELDS (a JSON object) as a form to PATH (relative to
 *                      TAB's page) through the tab's context, its cookies included (the
 *                      session's), redirects not followed: {"status", "location", "body"}
 *   get TAB PATH       the same for a GET: {"status", "location", "body"}
 * A page is {"status", "method", "url", "redirects", "lang", "title", "h1", "here",
 * "who", "notice", "alert", "tables", "downloads", "chart", "buttons", "fields", "body",
 * "scroll_width", "inner_width", "styled", "screenshot", "problems"}:
 * status, method: of the response shown; redirects: the responses that led to it,
 * first first, [{"method", "url", "status", "location"}]; here: the menu's current link;
 * who: the signed-in account as the menu says it; notice, alert: the text of .notice
 * that is not .alert and of .alert (null when absent); tables: each table.data as
 * {"head": [text], "head_links": [href|null], "sort": [aria-sort|null], "body": [[text]],
 * "links": [[href|null]], "classes": [[class]], "backgrounds": [[css colour]],
 * "foot": [[text]]}; downloads: [{"text", "href"}] of p.downloads; chart: the
 * svg.chart as {"rects": [{"width", "fill"}], "texts": [text]}, or null; fields: the
 * forms' fields that are not hidden, by id (else name), their values (a checkbox's,
 * whether it is ticked); styled: whether
 * the page's own stylesheet applies (body.wide's max-width as html.c sets it).
 * screenshot: the full page as a PNG in SHOTS, its name numbered in order.
 * problems, in every answer: what the pages' consoles said at level warning or error,
 * uncaught exceptions and Content Security Policy violations, since the last answer;
 * not Chromium's line on the shown page's own status (a 403 is the answer's status).
 * EOF on stdin closes the browser and exits 0.
 */
import { answerSteps } from './browser_steps.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN',
  acceptDownloads: true };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3,
  isMobile: true, hasTouch: true, locale: 'vi-VN', acceptDownloads: true };
const SHOTS = process.env.SHOTS || '.';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});

// Before any of the page's own code: a CSP violation is reported to the page as an event
// even where the console would not say it.
async function prepare(context) {
  context.setDefaultTimeout(10000);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return context;
}

const desktop = await prepare(await browser.newContext(DESKTOP));
let phone = null;
const tabs = new Map();
let problems = [];
let shots = 0;

function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push({ text: `console ${m.type()}: ${m.text()}`, url: m.location().url });
  });
  page.on('pageerror', (e) => problems.push({ text: `page error: ${e.message}` }));
  return page;
}

async function tab(name) {
  if (!tabs.has(name)) {
    let context = desktop;
    if (name.startsWith('phone')) {
      phone ??= await prepare(await browser.newContext({ ...PHONE,
        storageState: await desktop.storageState() }));
      context = phone;
    }
    tabs.set(name, watch(await context.newPage()));
  }
  return tabs.get(name);
}

async function redirects(response) {
  const chain = [];
  for (let rq = response?.request().redirectedFrom(); rq; rq = rq.redirectedFrom()) {
    const r = await rq.response();
    chain.unshift({ method: rq.method(), url: rq.url(), status: r?.status() ?? null,
      location: r ? (await r.allHeaders()).location ?? null : null });
  }
  return chain;
}

async function describe(name, page, response) {
  // Chromium's word on the page's own status (403, 404), which the answer gives anyway.
  const own = `console error: Failed to load resource: the server responded with a status ` +
    `of ${response?.status()} `;
  problems = problems.filter((p) => !(p.url === page.url() && p.text.startsWith(own)));
  const p = await page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.innerText.trim() ?? null;
    const cells = (rows, f) => [...rows].map((tr) => [...tr.cells].map(f));
    const tables = [...document.querySelectorAll('table.data')].map((t) => ({
      head: [...t.querySelectorAll('thead th')].map((th) => th.innerText.trim()),
      head_links: [...t.querySelectorAll('thead th')].map((th) =>
        th.querySelector('a')?.getAttribute('href') ?? null),
      sort: [...t.querySelectorAll('thead th')].map((th) => th.getAttribute('aria-sort')),
      body: cells(t.querySelectorAll('tbody tr'), (td) => td.innerText.trim()),
      links: cells(t.querySelectorAll('tbody tr'), (td) =>
        td.querySelector('a')?.getAttribute('href') ?? null),
      classes: cells(t.querySelectorAll('tbody tr'), (td) => td.className),
      backgrounds: cells(t.querySelectorAll('tbody tr'), (td) =>
        getComputedStyle(td).backgroundColor),
      foot: cells(t.querySelectorAll('tfoot tr'), (td) => td.innerText.trim()),
    }));
    const svg = document.querySelector('svg.chart');
    return {
      lang: document.documentElement.lang,
      title: document.title,
      h1: text('h1'),
      here: text('nav a.here'),
      who: text('nav .who'),
      notice: text('.notice:not(.alert)'),
      alert: text('.alert'),
      tables,
      downloads: [...document.querySelectorAll('p.downloads a')].map((a) =>
        ({ text: a.innerText.trim(), href: a.getAttribute('href') })),
      chart: svg && {
        rects: [...svg.querySelectorAll('rect')].map((r) =>
          ({ width: Number(r.getAttribute('width')), fill: r.getAttribute('fill') })),
        texts: [...svg.querySelectorAll('text')].map((t) => t.textContent.trim()),
        shown: svg.getBoundingClientRect().width > 0 && svg.getBoundingClientRect().height > 0,
      },
      buttons: [...document.querySelectorAll('button')].map((b) => b.innerText.trim()),
      fields: Object.fromEntries([...document.querySelectorAll('form input, form textarea, ' +
        'form select')].filter((f) => f.type !== 'hidden').map((f) =>
        [f.id || f.name, f.type === 'checkbox' ? f.checked : f.value])),
      body: document.body.innerText,
      scroll_width: document.documentElement.scrollWidth,
      inner_width: innerWidth,
      styled: getComputedStyle(document.body).maxWidth !== 'none',
    };
  });
  const url = new URL(page.url());
  const slug = (url.pathname + url.search).replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '').slice(0, 80) || 'root';
  const screenshot = path.join(SHOTS,
    `${String(++shots).padStart(2, '0')}-${name}-${slug}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return { status: response?.status() ?? null, method: response?.request().method() ?? null,
    url: page.url(), redirects: await redirects(response), ...p, screenshot };
}

// Do what leads to a navigation; the main frame's final response (past redirects).
async function navigation(page, act) {
  const response = page.waitForResponse((r) => r.request().isNavigationRequest() &&
    r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400));
  await act();
  const answer = await response;
  await page.waitForLoadState();
  return answer;
}

function one(locator, what) {
  return locator.count().then((n) => {
    if (n !== 1)
      throw new Error(`${n} elements are ${what}`);
    return locator;
  });
}

async function request(name, method, where, fields) {
  const page = await tab(name);
  const url = new URL(where, page.url()).href;
  const r = method === 'POST' ?
    await page.request.post(url, { form: JSON.parse(fields), maxRedirects: 0 }) :
    await page.request.get(url, { maxRedirects: 0 });
  return { status: r.status(), location: r.headers().location ?? null, body: await r.text() };
}

const steps = {
  async open(name, url) {
    const page = await tab(name);
    return describe(name, page, await page.goto(url));
  },
  async signin(name, login, password) {
    const page = await tab(name);
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(login);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    const button = await one(page.getByRole('button', { name: 'Đăng nhập', exact: true }),
      'the button "Đăng nhập"');
    const answer = await describe(name, page, await navigation(page, () => button.click()));
    answer.cookies = (await page.context().cookies()).map((c) => ({ name: c.name,
      path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite, secure: c.secure,
      session: c.expires === -1 }));
    return answer;
  },
  async click(name, scope, text) {
    const page = await tab(name);
    const within = await one(page.locator(scope), `"${scope}"`);
    const link = await one(within.getByRole('link', { name: text, exact: true }),
      `links "${text}" in "${scope}"`);
    return describe(name, page, await navigation(page, () => link.click()));
  },
  async mark(name, note) {
    const page = await tab(name);
    await page.getByLabel('Ghi chú', { exact: true }).fill(note);
    const button = await one(page.getByRole('button', { name: 'Đánh dấu đã hoàn thành',
      exact: true }), 'the button "Đánh dấu đã hoàn thành"');
    return describe(name, page, await navigation(page, () => button.click()));
  },
  async press(name, text) {
    const page = await tab(name);
    const button = await one(page.getByRole('button', { name: text, exact: true }),
      `buttons "${text}"`);
    return describe(name, page, await navigation(page, () => button.click()));
  },
  async tick(name, label) {
    const page = await tab(name);
    const box = await one(page.getByLabel(label, { exact: true }),
      `checkboxes labelled "${label}"`);
    await box.check();
    return { label, checked: await box.isChecked() };
  },
  async type(name, label, text) {
    const page = await tab(name);
    const field = await one(page.getByLabel(label, { exact: true }),
      `fields labelled "${label}"`);
    const kind = await field.evaluate((f) => f.type);
    if (text === '') {
      await field.click();
      await field.fill('');
    } else if (kind === 'date' || kind === 'time') {
      // the parts as en-US shows them, mm/dd/yyyy and hh:mm AM, from the first one (a
      // part clicked takes the digits typed in place of its own)
      const parts = kind === 'date' ? /^(\d{4})-(\d\d)-(\d\d)$/.exec(text) :
        /^(\d\d):(\d\d)$/.exec(text);
      if (!parts)
        throw new Error(`"${text}" is not a ${kind} to type`);
      const h = Number(parts[1]);
      const box = await field.boundingBox();
      await field.click({ position: { x: 12, y: box.height / 2 } });
      await page.keyboard.type(kind === 'date' ? parts[2] + parts[3] + parts[1] :
        String((h + 11) % 12 + 1).padStart(2, '0') + parts[2] + (h < 12 ? 'A' : 'P'));
    } else {
      await field.click();
      await field.fill('');
      await field.pressSequentially(text);
    }
    const value = await field.inputValue();
    if (value !== text)
      throw new Error(`typed "${text}" into "${label}", which holds "${value}"`);
    return { label, value };
  },
  async download(name, text, file) {
    const page = await tab(name);
    const link = await one(page.locator('p.downloads').first()
      .getByRole('link', { name: text, exact: true }), `links "${text}" in p.downloads`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const failure = await download.failure();
    if (failure)
      throw new Error(`the download failed: ${failure}`);
    await download.saveAs(file);
    return { file, suggested: download.suggestedFilename(), url: download.url() };
  },
  async post(name, where, fields) {
    return request(name, 'POST', where, fields);
  },
  async get(name, where) {
    return request(name, 'GET', where);
  },
};

await answerSteps(steps, () => {
  const said = problems.map((p) => p.text);
  problems = [];
  return said;
});
await browser.close();
