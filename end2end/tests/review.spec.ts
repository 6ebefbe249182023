import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { applyFor, createStaff, endNoticePeriods, recordInvestigation, signIn, STAFF_PASSWORD } from "./helpers";

const photo = "../server/tests/fixtures/gps-photo.jpg";

/** A township reviewer of 东街街道, created with the server's command line. */
function createReviewer(username: string) {
  createStaff(username, "township", "620702001");
}

test("a township reviewer signs in at 360 px, sees their scope and signs out", async ({ page }, testInfo) => {
  const username = `reviewer-${testInfo.project.name}`;
  createReviewer(username);

  await page.goto("/review");
  await expect(page).toHaveURL(/\/review\/login$/);

  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("not the password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toContainText("用户名或密码不正确");
  await expect(page.getByLabel("用户名")).toHaveValue(username);

  await page.getByLabel("密码").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("审核工作台");
  await expect(page.locator(".account")).toContainText("甘州区东街街道");

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/review\/login\?signed_out=1$/);
  await expect(page.getByText("您已安全退出")).toBeVisible();
  await page.goto("/review");
  await expect(page).toHaveURL(/\/review\/login$/);
});

test("a township reviewer downloads the 台账 of the filtered queue at 360 px", async ({ page }, testInfo) => {
  const username = `ledger-${testInfo.project.name}`;
  createReviewer(username);
  await signIn(page, username);
  await page.getByLabel("状态").selectOption({ label: "核对和入户调查中" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/status=investigating/);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出台账（Excel，按当前筛选）" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^审核台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
  expect(file.url()).toContain("/review/queue.xlsx?status=investigating");
  const bytes = readFileSync(await file.path());
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
});

test("a township reviewer accepts, recommends and publishes; the county confirms", async ({ page }, testInfo) => {
  const off = testInfo.project.name.includes("off");
  const reference = await applyFor(page, off ? "13900000021" : "13900000022", "刘桂英", "620702197001012029");
  const township = `township-${testInfo.project.name}`;
  const county = `county-${testInfo.project.name}`;
  createStaff(township, "township", "620702001");
  createStaff(county, "county", "620702");

  await page.context().clearCookies();
  await signIn(page, township);
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`案件 ${reference}`);
  await expect(page.locator(".answers")).toContainText("刘桂英");
  await page.getByRole("button", { name: "受理" }).click();
  await expect(page.locator(".status-line")).toContainText("核对和入户调查中");
  await recordInvestigation(page);
  await expect(page.locator(".history")).toContainText("记录经济状况核对结果");
  await page.getByRole("button", { name: "乡镇审核通过" }).click();
  await expect(page.locator("#amount-error")).toContainText("每月救助金额");
  await page.getByLabel("每月救助金额（元）").fill("530");
  await page.getByLabel("办理意见").fill("入户调查属实，家庭人均收入低于低保标准");
  await page.getByRole("button", { name: "乡镇审核通过" }).click();
  await page.getByRole("button", { name: "发布公示" }).click();
  await expect(page.locator(".status-line")).toContainText("公示中");
  endNoticePeriods();
  await page.reload();
  await page.getByRole("button", { name: "报送县级审核确认" }).click();
  await expect(page.locator(".status-line")).toContainText("县级审核确认中");

  await page.context().clearCookies();
  await signIn(page, county);
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByLabel("每月救助金额（元）")).toHaveValue("530");
  await page.getByRole("button", { name: "批准", exact: true }).click();
  await expect(page.locator(".status-line")).toContainText("已批准");
  await expect(page.locator(".history")).toContainText("批准");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载审批表（PDF，A4，存档用）" }).click();
  const form = await download;
  expect(form.suggestedFilename()).toBe(`审批表-${reference}.pdf`);
  const bytes = readFileSync(await form.path());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  const consent = page.waitForEvent("download");
  await page.getByRole("link", { name: /打印授权书和承诺书/ }).click();
  expect((await consent).suggestedFilename()).toBe(`授权书和承诺书-${reference}.pdf`);
});

test("a home visit is recorded with a photo and the medical insurance bureau answers the referral at 360 px", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const off = project.includes("off");
  const reference = await applyFor(page, off ? "13900000023" : "13900000024", "周玉兰", "620702197001012045", ["medical"]);
  const township = `township-visit-${project}`;
  const department = `medical-${project}`;
  createStaff(township, "township", "620702001");
  createStaff(department, "department", "medical-insurance");

  await page.context().clearCookies();
  await signIn(page, township);
  await page.goto(`/review/case/${reference}`);
  await page.getByRole("button", { name: "受理" }).click();
  await expect(page.locator(".referrals")).toContainText("医疗保障局：待部门办理");
  await page.getByLabel("办理意见").fill("入户查看，家中无劳动力，情况属实");
  await page.getByLabel("入户照片（可选）").setInputFiles(photo);
  await page.getByRole("button", { name: "记录入户调查" }).click();
  await expect(page.locator(".history")).toContainText("记录入户调查");
  await expect(page.locator(".case-files")).toContainText("入户调查照片：照片");

  await page.context().clearCookies();
  await signIn(page, department);
  await expect(page.getByRole("heading", { name: "转介案件（分类推送）" })).toBeVisible();
  await page.getByRole("link", { name: reference }).click();
  await expect(page.locator(".answers")).toContainText("周玉兰");
  await page.getByRole("button", { name: "提交办理结果" }).click();
  await expect(page.locator(".error-summary")).toContainText("请选择办理结果");
  await page.getByLabel("已给予救助").check();
  await page.getByLabel("办理情况").fill("住院费用按政策报销3200元");
  await page.getByRole("button", { name: "提交办理结果" }).click();
  await expect(page.getByRole("heading", { name: "本部门办理结果" })).toBeVisible();
  await expect(page.locator(".history")).toContainText("医疗保障局已给予救助：住院费用按政策报销3200元");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});
