import { expect, test } from "@playwright/test";
import { applyFor, publishNotice } from "./helpers";

test("a citizen finds a township's notices, opens an entry and objects at 360 px", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const phone = project.includes("off") ? "13900000041" : "13900000042";
  const name = project.includes("off") ? "周凤英" : "吴凤英";
  const reference = await applyFor(page, phone, name, "620702197001012029");
  await publishNotice(page, reference, `notice-${project}`);

  await page.goto("/");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "公示公告" }).click();
  await page.getByLabel("县区").selectOption({ label: "甘州区" });
  await page.getByLabel("乡镇（街道）").selectOption({ label: "东街街道" });
  await page.getByRole("button", { name: "查看" }).click();
  const masked = `${name[0]}*${name[2]}`;
  const entry = page.locator(".notice-list li").filter({ hasText: masked });
  await expect(entry).toContainText("每月 530 元");
  await expect(page.locator("body")).not.toContainText(name);

  await entry.getByRole("link", { name: "我有异议" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("对公示提出异议");
  await page.getByLabel("异议内容").fill("太短");
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(page.locator("#reason-error")).toContainText("请写明异议的具体情况");
  await expect(page.getByLabel("异议内容")).toHaveValue("太短");
  await page.getByLabel("异议内容").fill("他家儿子在城里开店，收入没有申报。");
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("异议已提交");
  await expect(page.locator("#receipt")).toHaveText(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
