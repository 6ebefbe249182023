import { expect, test } from "@playwright/test";
import { createStaff, largePhoto, signIn } from "./helpers";

const photo = "../server/tests/fixtures/gps-photo.jpg";

test("a report is filed with a photo, answered through its receipt and handled by the county at 360 px", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const subject = `东街村三组 ${project}`;

  await page.goto("/");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "举报监督" }).click();
  await expect(page.getByRole("link", { name: "快速离开" })).toHaveAttribute("href", "https://www.weather.com.cn/");
  await expect(page.locator(".hotline-list a").first()).toHaveAttribute("href", "tel:12345");

  // A first try without a description is sent back with the message next to the field, nothing lost.
  await page.getByLabel("被举报对象所在乡镇（街道）").selectOption({ label: "东街街道" });
  await page.getByLabel("被举报对象", { exact: true }).fill(subject);
  await page.getByLabel("隐瞒财产（房屋、车辆、存款等）").check();
  await page.getByRole("button", { name: "提交举报" }).click();
  await expect(page.locator("#description-error")).toContainText("请写明具体情况");
  await expect(page.getByLabel("被举报对象", { exact: true })).toHaveValue(subject);
  await expect(page.getByLabel("隐瞒财产（房屋、车辆、存款等）")).toBeChecked();

  await page.getByLabel("具体情况").fill("他家在城里有两套房子，还有一辆小轿车，一直没有申报。");
  await page.getByLabel("照片或材料（可以不传）").setInputFiles(photo);
  await page.getByRole("button", { name: "提交举报" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("举报已收到");
  const receipt = (await page.locator("#receipt").textContent())!.trim();
  expect(receipt).toMatch(/^([2-9A-Z]{5}-){3}[2-9A-Z]{5}$/);

  // Typed back once, the receipt opens the report.
  await page.getByLabel("请再输入一遍回执码，确认已经记下").fill("ABCDE");
  await page.getByRole("button", { name: "确认已记下" }).click();
  await expect(page.locator("#typed-error")).toContainText("和上面的回执码不一致");
  await page.getByLabel("请再输入一遍回执码，确认已经记下").fill(receipt.toLowerCase());
  await page.getByRole("button", { name: "确认已记下" }).click();
  await expect(page.locator("#report-status")).toHaveText("已收到");
  await page.getByRole("button", { name: "退出（共用手机请务必退出）" }).click();

  // The county's officer asks a question.
  const officer = `report-officer-${project}`;
  createStaff(officer, "county", "620702");
  await signIn(page, officer);
  await page.getByRole("link", { name: "举报办理" }).click();
  // The newest group comes first.
  await page.locator(".report-group").first().getByRole("link").first().click();
  await expect(page.locator("body")).toContainText(subject);
  await expect(page.getByRole("link", { name: /照片/ })).toBeVisible();
  await page.getByLabel("向举报人提问").fill("请问轿车是什么颜色？");
  await page.getByRole("button", { name: "发送问题" }).click();
  await expect(page.locator(".messages")).toContainText("请问轿车是什么颜色");

  // The reporter checks with the receipt and answers.
  await page.goto("/report/check");
  await page.getByLabel("回执码").fill(receipt);
  await page.getByRole("button", { name: "查看", exact: true }).click();
  await expect(page.locator("#report-status")).toHaveText("正在核实");
  await expect(page.locator(".messages")).toContainText("请问轿车是什么颜色");
  await page.getByLabel("回答或补充情况").fill("白色的，常停在村委会门口。");
  await page.getByRole("button", { name: "发送", exact: true }).click();
  await expect(page.getByText("已发送。")).toBeVisible();
  await expect(page.locator(".messages")).toContainText("常停在村委会门口");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});

test("a phone photo over 5 MB is made smaller before upload with JavaScript, and refused with a message without it", async ({ page, browser }, testInfo) => {
  const photo = await largePhoto(browser);
  expect(photo.buffer.length).toBeGreaterThan(5 * 1024 * 1024);
  const description = "村口小卖部的老板家里有两辆货车，还在领低保。";

  await page.goto("/report");
  await page.getByLabel("被举报对象所在乡镇（街道）").selectOption({ label: "东街街道" });
  await page.getByLabel("被举报对象", { exact: true }).fill(`村口小卖部 ${testInfo.project.name}`);
  await page.getByLabel("隐瞒财产（房屋、车辆、存款等）").check();
  await page.getByLabel("具体情况").fill(description);
  await page.getByLabel("照片或材料（可以不传）").setInputFiles(photo);

  if (testInfo.project.name.includes("js-on")) {
    // The browser scales the photo down and says so; the ordinary post then sends the smaller file.
    await expect(page.getByRole("status")).toContainText(/照片已缩小：6\.\dMB → \d+KB，可以提交/);
    await expect(page.getByRole("button", { name: "提交举报" })).toBeEnabled();
    await page.getByRole("button", { name: "提交举报" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("举报已收到");
  } else {
    // Without JavaScript the server refuses it next to the field and keeps what was typed.
    await page.getByRole("button", { name: "提交举报" }).click();
    await expect(page.locator("#evidence-error")).toContainText("文件太大，每个文件不能超过5MB");
    await expect(page.getByLabel("具体情况")).toHaveValue(description);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
