import { expect, test } from "@playwright/test";
import { applyFor, createStaff, lastSmsTo, signIn } from "./helpers";

test("a township gives help first on an urgent case at 360 px; a sum over its limit is refused next to the field", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const phone = project.includes("off") ? "13900000071" : "13900000072";
  const reference = await applyFor(page, phone, "赵桂兰", "62070219700101207X", ["temporary"]);
  await page.context().clearCookies();

  createStaff(`help-township-${project}`, "township", "620702001");
  await signIn(page, `help-township-${project}`);
  await page.goto(`/review/case/${reference}`);
  const section = page.locator("section.emergency");
  await expect(section.getByRole("heading", { level: 2 })).toHaveText("先行救助");
  const limit = (await section.locator(".hint").first().textContent())!.match(/最多 (\d+) 元/)![1];

  await page.getByLabel("先行救助金额（元）").fill(String(Number(limit) + 1));
  await page.getByLabel("急难情况和核实方式").fill("家中失火，口粮烧毁，已入户核实");
  await page.getByRole("button", { name: "先行救助" }).click();
  await expect(page.locator("#emergency_amount-error")).toHaveText(`乡镇先行救助最多 ${limit} 元；超过的部分请按临时救助程序报县级审批`);
  await expect(page.getByLabel("急难情况和核实方式")).toHaveValue("家中失火，口粮烧毁，已入户核实");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);

  await page.getByLabel("先行救助金额（元）").fill("1200");
  await page.getByRole("button", { name: "先行救助" }).click();
  await expect(section.locator(".emergency-granted")).toHaveText(/^一次性 1200 元（/);
  await expect(section.locator(".emergency-stage")).toHaveText(/^待乡镇补齐材料（\d{4}年\d+月\d+日前）$/);
  await expect(page.getByRole("button", { name: "先行救助" })).toHaveCount(0);
  // The status message goes out from the background worker.
  await expect.poll(() => lastSmsTo(phone)).toContain("已先行给予临时救助 1200 元");

  await page.getByRole("link", { name: "返回审核队列" }).click();
  await expect(page.locator(".open-emergencies")).toContainText(reference);
});
