import { expect, test } from "@playwright/test";
import { applyFor, lastCodeTo, passResendCooldown } from "./helpers";

test("a resident checks the status of an application at 360 px without an account", async ({ page }, testInfo) => {
  const phone = testInfo.project.name.includes("off") ? "13900000031" : "13900000032";
  const reference = await applyFor(page, phone, "陈淑珍", "620702197001012029");
  await page.context().clearCookies();
  passResendCooldown();

  await page.goto("/");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "进度查询" }).click();
  await page.getByLabel("申请编号").fill("ZY123");
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.locator("#reference-error")).toContainText("申请编号格式不对");
  await expect(page.getByLabel("申请编号")).toHaveValue("ZY123");

  await page.getByLabel("申请编号").fill(reference.toLowerCase());
  await page.getByRole("button", { name: "获取验证码" }).click();
  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByRole("button", { name: "查询" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("办理进度");
  await expect(page.locator(".answers")).toContainText("陈*珍");
  await expect(page.locator(".answers")).toContainText("待受理");
  await expect(page.locator(".timeline li").first()).toContainText("提交申请");
  await expect(page.locator(".timeline")).toContainText("县级审核确认");
  await expect(page.locator("body")).not.toContainText("陈淑珍");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
