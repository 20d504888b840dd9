// The dashboard screenshots of docs/studio.md: one run, then runs side by side, from a runs folder.
// Usage: npx tsx scripts/studio-screenshots.ts RUNS_DIR RUN_ID OTHER_RUN_ID [OUT_DIR (docs/images)]
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startStudio } from '../src/studio/server.js';
import { CHROMIUM, ensureApp } from '../test/studio/app.js';

const [runs, one, other, out = 'docs/images'] = process.argv.slice(2);
if (!runs || !one || !other) throw new Error('usage: scripts/studio-screenshots.ts RUNS_DIR RUN_ID OTHER_RUN_ID [OUT_DIR]');
ensureApp();
const studio = await startStudio({ runs, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const shoot = async (hash: string, file: string) => {
    await page.goto('about:blank');
    await page.goto(`${studio.url}#runs=${hash}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=sample-grid]').length > 0 && [...document.images].every((i) => i.complete));
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, file), fullPage: true });
    console.log(`wrote ${join(out, file)}`);
  };
  await shoot(one, 'studio-dashboard.png');
  await shoot(`${one},${other}`, 'studio-compare.png');
} finally {
  await browser.close();
  await studio.close();
}
