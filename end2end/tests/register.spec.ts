import { expect, test, type Page } from "@playwright/test";
import { applyFor, createStaff, endNoticePeriods, lastCodeTo, passResendCooldown, publishNotice, signIn } from "./helpers";

/** A day `days` from today in China (UTC+8), as YYYY-MM-DD: the server's "today". */
function daysFromToday(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Takes the case from the notice to the county's approval of 530 元 a month. */
async function approve(page: Page, reference: string, project: string) {
  await publishNotice(page, reference, `reg-township-${project}`);
  endNoticePeriods();
  await signIn(page, `reg-township-${project}`);
  await page.goto(`/review/case/${reference}`);
  await page.getByRole("button", { name: "报送县级审核确认" }).click();
  createStaff(`reg-county-${project}`, "county", "620702");
  await page.context().clearCookies();
  await signIn(page, `reg-county-${project}`);
  await page.goto(`/review/case/${reference}`);
  await page.getByRole("button", { name: "批准", exact: true }).click();
  await expect(page.locator(".record-state")).toContainText("在保");
  await page.context().clearCookies();
}

/** The resident passes the status page's SMS check on their phone. */
async function checkStatus(page: Page, reference: string, phone: string) {
  passResendCooldown();
  await page.goto("/status");
  await page.getByLabel("申请编号").fill(reference);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByLabel("短信验证码")).toBeVisible();
  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("办理进度");
}

async function fitsThePhone(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
}

test("a household declares a new job from its phone and the township's review ends in a phase-out", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const phone = project.includes("off") ? "13900000061" : "13900000062";
  const reference = await applyFor(page, phone, "马秀珍", "620702197001012061");
  await approve(page, reference, project);

  // The resident declares the change, one question per page.
  await checkStatus(page, reference, phone);
  await expect(page.locator(".assistance")).toContainText("每月 530 元");
  await page.getByRole("link", { name: "家庭情况有变化？在线申报" }).click();
  await page.getByRole("button", { name: "继续" }).click();
  await expect(page.locator("fieldset .field-error")).toContainText("请选择发生了哪种变化");
  await page.getByLabel(/^收入或就业变化/).check();
  await page.getByRole("button", { name: "继续" }).click();
  await page.getByLabel("什么时候发生的？").fill(daysFromToday(1));
  await page.getByLabel("发生了什么变化？").fill("儿子在县城找到工作，每月工资约3000元");
  await page.getByRole("button", { name: "继续" }).click();
  await expect(page.locator("#occurred_on-error")).toContainText("日期不能晚于今天");
  await expect(page.locator("#income-error")).toContainText("请填写家庭现在每月总收入");
  await expect(page.getByLabel("发生了什么变化？")).toHaveValue("儿子在县城找到工作，每月工资约3000元");
  await page.getByLabel("什么时候发生的？").fill(daysFromToday(-10));
  await page.getByLabel("家庭现在每月总收入（元）").fill("3300");
  await page.getByRole("button", { name: "继续" }).click();
  await expect(page.locator(".answers")).toContainText("3300 元");
  await fitsThePhone(page);
  await page.getByRole("button", { name: "提交申报" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("申报已提交");
  await expect(page.locator(".declaration-number")).toContainText(`${reference}-B`);
  await page.context().clearCookies();

  // The township sees it in its queue and reviews the record: 渐退.
  await signIn(page, `reg-township-${project}`);
  await page.getByRole("link", { name: "复核队列（已批准的救助对象）" }).click();
  await expect(page.locator(".declarations")).toContainText("收入或就业变化");
  await fitsThePhone(page);
  await page.locator(".declarations").getByRole("link", { name: reference }).click();
  await expect(page.locator(".record .declarations")).toContainText("儿子在县城找到工作");
  await page.getByLabel("入户核查和经济状况核对情况").fill("入户核实：儿子已在县城就业，工资稳定");
  await page.getByLabel("渐退", { exact: true }).check();
  await page.getByLabel("渐退截止日期").fill(daysFromToday(250));
  await page.getByLabel("家庭现在每月总收入（元）").fill("3300");
  await page.getByLabel("就业人数").fill("1");
  await page.getByLabel("家庭人口").fill("2");
  await page.getByLabel("城市低保标准").check();
  await page.getByRole("button", { name: "提交复核结果" }).click();
  await expect(page.locator("#until-error")).toContainText("最长6个月");
  await expect(page.getByLabel("入户核查和经济状况核对情况")).toHaveValue("入户核实：儿子已在县城就业，工资稳定");
  const until = daysFromToday(120);
  await page.getByLabel("渐退", { exact: true }).check();
  await page.getByLabel("渐退截止日期").fill(until);
  await page.getByRole("button", { name: "提交复核结果" }).click();
  await expect(page.locator(".record-state")).toContainText("渐退中");
  await expect(page.locator(".history")).toContainText("复核结果：渐退");
  await fitsThePhone(page);
  await page.context().clearCookies();

  // The household sees the phase-out and its end date.
  await checkStatus(page, reference, phone);
  await expect(page.locator(".assistance")).toContainText("渐退中");
  const [year, month, day] = until.split("-").map(Number);
  await expect(page.locator(".assistance")).toContainText(`${year}年${month}月${day}日`);
  await fitsThePhone(page);
});
