import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { smsOutboxFile } from "../playwright.config";

/** The last code the development SMS sender "sent" to `phone`. */
function lastCodeTo(phone: string): string {
  const lines = readFileSync(smsOutboxFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const text: string = lines.filter((m) => m.to === phone).pop().text;
  return text.match(/验证码是(\d{6})/)![1];
}

// 62070219800229101 + its ISO 7064 check character.
const ID_NUMBER = "62070219800229101X";

test("a resident verifies their phone and identity at 360 px", async ({ page }, testInfo) => {
  const phone = testInfo.project.name.includes("off") ? "13900000001" : "13900000002";
  await page.goto("/apply/identity");
  await page.getByLabel("手机号码").fill("139 0000");
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.locator("#phone-error")).toHaveText("手机号码应为11位数字，请核对");
  await expect(page.getByLabel("手机号码")).toHaveValue("139 0000");

  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByText(/验证码已发送至 139\*\*\*\*000\d/)).toBeVisible();

  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByLabel("姓名").fill("张三丰");
  await page.getByLabel("身份证号码").fill(ID_NUMBER.slice(0, 17) + "9");
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page.locator("#id_number-error")).toContainText("校验码不对");
  await expect(page.getByLabel("姓名")).toHaveValue("张三丰");

  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByLabel("身份证号码").fill(ID_NUMBER);
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page).toHaveURL(/\/apply\/identity\/done$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("身份已核验");
  await expect(page.locator(".account")).toContainText("张*丰");
  await expect(page.locator("body")).not.toContainText(ID_NUMBER);
});
