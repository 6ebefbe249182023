import { expect, test } from "@playwright/test";
import { BUDGET, weighPage } from "./budget";

test("a resident reads the 低保 guide page from the list at 360 px", async ({ page }) => {
  await page.goto("/guide");
  await page.getByRole("link", { name: "最低生活保障（低保）" }).click();
  await expect(page).toHaveURL(/\/guide\/dibao$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("最低生活保障（低保）");
  for (const section of ["谁可以申请", "能得到什么帮助", "要带什么", "到哪里问"]) {
    await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("guide pages stay within the page-weight budget", async ({ page }) => {
  for (const path of ["/guide", "/guide/process", "/guide/dibao"]) {
    const weight = await weighPage(page, path);
    console.log(`weight ${path}: ${JSON.stringify(weight)}`);
    expect(weight.document + weight.css).toBeLessThanOrEqual(BUDGET.htmlAndCss);
    expect(weight.script + weight.wasm).toBe(0);
  }
});
