import { expect, test } from "@playwright/test";

test("the public statistics open from the footer with a chart and a CSV download at 360 px", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "公开统计" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("社会救助公开统计");
  await expect(page.getByRole("img", { name: "各县区收到的申请数" })).toBeVisible();
  await page.locator("summary").filter({ hasText: "甘州区" }).click();
  await expect(page.getByRole("rowheader", { name: "东街街道" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载统计表（CSV）" }).click();
  expect((await download).suggestedFilename()).toBe("zhangye-assistance-statistics.csv");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
