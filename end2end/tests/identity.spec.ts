import { expect, test } from "@playwright/test";
import { lastCodeTo, lastSmsTo } from "./helpers";

// 62070219800229101 + its ISO 7064 check character.
const ID_NUMBER = "62070219800229101X";

test("a resident verifies their phone and identity at 360 px", async ({ page }, testInfo) => {
  const phone = testInfo.project.name.includes("off") ? "13900000001" : "13900000002";
  const bundle: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/pkg/portal.") && !request.url().endsWith(".css")) bundle.push(request.url());
  });
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
  if (!testInfo.project.name.includes("off")) {
    // With JavaScript the mistake is named as soon as the number is complete, before any post.
    await expect(page.locator("#id_number-error")).toContainText("校验码不对");
  }
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page.locator("#id_number-error")).toContainText("校验码不对");
  await expect(page.getByLabel("姓名")).toHaveValue("张三丰");
  // The code step has an island: its script and wasm are fetched only when JavaScript can run them.
  if (testInfo.project.name.includes("off")) expect(bundle).toEqual([]);
  else expect(bundle.some((url) => url.endsWith("/pkg/portal.wasm"))).toBe(true);

  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByLabel("身份证号码").fill(ID_NUMBER);
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page).toHaveURL(/\/apply\/identity\/done$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("身份已核验");
  await expect(page.locator(".account")).toContainText("张*丰");
  await expect(page.locator("body")).not.toContainText(ID_NUMBER);
});

test("a village assistant applies for a resident, who agrees with the code sent to their own phone, at 360 px", async ({ page }, testInfo) => {
  const off = testInfo.project.name.includes("off");
  const resident = off ? "13900000051" : "13900000052";
  await page.goto("/apply/identity");
  await page.getByRole("link", { name: "替家人或村民代办申请" }).click();
  await page.getByRole("button", { name: "给申请人发送验证码" }).click();
  await expect(page.locator(".error-summary")).toContainText("请选择您与申请人的关系");

  await page.getByLabel("代办人姓名").fill("张明");
  await page.getByLabel("代办人手机号码").fill(off ? "13900000053" : "13900000054");
  await page.getByLabel("村（社区）协理员").check();
  await page.getByLabel("申请人本人的手机号码").fill(resident);
  await page.getByRole("button", { name: "给申请人发送验证码" }).click();
  await expect(page.getByText(/代办：验证码已发送至申请人的手机/)).toBeVisible();
  const sms = lastSmsTo(resident);
  expect(sms).toContain("村（社区）协理员张明申请为您代办");

  await page.getByLabel("短信验证码").fill(lastCodeTo(resident));
  await page.getByLabel("申请人姓名").fill("张三丰");
  await page.getByLabel("申请人身份证号码").fill(ID_NUMBER);
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("身份已核验");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
