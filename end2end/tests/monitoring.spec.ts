import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { e2eDatabaseUrl } from "../playwright.config";
import { createStaff, fillApplication, lastCodeTo, signIn } from "./helpers";

const ADMIN_PASSWORD = "e2e admin passphrase";

/** A valid 18-character ID number from its first 17 digits (GB 11643 check character). */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

/** Creates an administrator with the server's command line, as an operator would, and signs in. */
async function signInAsNewAdmin(page: Page, admin: string) {
  execFileSync("../target/release/server", ["create-admin", "--username", admin, "--name", "管理员"], {
    env: { ...process.env, PORTAL_DATABASE_URL: e2eDatabaseUrl, PORTAL_NEW_STAFF_PASSWORD: ADMIN_PASSWORD, RUST_LOG: "warn" },
  });
  await page.goto("/review/login");
  await page.getByLabel("用户名").fill(admin);
  await page.getByLabel("密码").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
}

async function fitsThePhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

/** The administrator imports 乡村振兴's roll with the member's household (东街街道城关村), then creates
 * 医保's credential on the administration page and copies the token shown. */
async function rollAndToken(page: Page, project: string, member: string): Promise<string> {
  await signInAsNewAdmin(page, `mon-admin-${project}`);
  await page.goto("/admin#rolls");
  await fitsThePhone(page);
  const roll = `household_no,township_code,village,category,name,id_number\nE2E-${project},620702001,城关村,防止返贫监测对象,马秀英,${member}\n`;
  await page.getByLabel("名单CSV文件").setInputFiles({ name: "roll.csv", mimeType: "text/csv", buffer: Buffer.from(roll) });
  await page.getByRole("button", { name: "导入名单" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("名单导入结果");
  await expect(page.locator("main")).toContainText("新纳入 1 户");
  await fitsThePhone(page);
  await page.goto("/admin#api");
  await page.getByLabel("部门", { exact: true }).selectOption({ label: "医疗保障局" });
  await page.getByLabel("对接系统").fill(`医保结算系统-${project}`);
  await page.getByRole("button", { name: "创建并显示令牌" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("凭据已创建");
  await fitsThePhone(page);
  const token = (await page.locator("code.token").textContent()) ?? "";
  await page.context().clearCookies();
  return token.trim();
}

test("a department's hospital bill becomes a warning; the village worker visits, helps the resident apply and closes it, on a phone", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const member = idNumber(project === "phone-js-on" ? "62070219750101302" : "62070219760101302");
  const token = await rollAndToken(page, project, member);

  const event = await page.request.post("/api/v1/events", {
    headers: { Authorization: `Bearer ${token}` },
    data: { reference_id: `E2E-${project}`, id_number: member, kind: "hospital_bill", out_of_pocket_yuan: 60000 },
  });
  expect(event.status()).toBe(202);
  expect(await event.json()).toEqual({ result: "warned" });

  const township = `mon-township-${project}`;
  createStaff(township, "township", "620702001");
  await signIn(page, township);
  await page.getByRole("link", { name: "预警处置（低收入人口动态监测）" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("预警处置");
  const row = page.locator("tr", { hasText: "一级（红色）预警" }).first();
  await expect(row).toContainText("大额医疗支出");
  await fitsThePhone(page);
  await row.getByRole("link", { name: "大额医疗支出" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("大额医疗支出");

  await page.context().clearCookies();

  // The village worker of 城关村 visits from a phone, helps the resident apply, and closes the warning.
  const worker = `mon-village-${project}`;
  createStaff(worker, "village", "620702001/城关村");
  await signIn(page, worker);
  await page.getByRole("link", { name: "预警处置（低收入人口动态监测）" }).click();
  await fitsThePhone(page);
  await page.locator("tr", { hasText: "一级（红色）预警" }).first().getByRole("link", { name: "大额医疗支出" }).click();
  const warningPage = page.url();
  await page.getByLabel("无需救助").check();
  await page.getByLabel("不需要救助的原因").fill("收入");
  await page.getByRole("button", { name: "记录走访并办结预警" }).click();
  await expect(page.locator(".field-error").first()).toContainText("请写明走访看到的情况");
  await expect(page.getByLabel("不需要救助的原因")).toHaveValue("收入");
  await fitsThePhone(page);

  const resident = project === "phone-js-on" ? "13900000161" : "13900000162";
  await page.getByRole("link", { name: "代办申请" }).click();
  await expect(page.getByLabel("村（社区）协理员")).toBeChecked();
  await page.getByLabel("代办人姓名").fill("赵协理");
  await page.getByLabel("代办人手机号码").fill(project === "phone-js-on" ? "13900000163" : "13900000164");
  await page.getByLabel("申请人本人的手机号码").fill(resident);
  await page.getByRole("button", { name: "给申请人发送验证码" }).click();
  await page.getByLabel("短信验证码").fill(lastCodeTo(resident));
  await page.getByLabel("申请人姓名").fill("马秀英");
  await page.getByLabel("申请人身份证号码").fill(member);
  await page.getByRole("button", { name: "下一步" }).click();
  const reference = await fillApplication(page);

  await page.goto(warningPage);
  await page.getByLabel("走访情况").fill("户主住院，家中无其他劳动力，已协助申请低保");
  await page.getByLabel("大额医疗支出").check();
  await page.getByLabel("帮助申请救助（已代为提交申请）").check();
  await page.getByLabel("帮助提交的申请编号").fill(reference);
  await page.getByLabel("走访照片（可选）").setInputFiles("../server/tests/fixtures/gps-photo.jpg");
  await page.getByRole("button", { name: "记录走访并办结预警" }).click();
  await expect(page.getByRole("status")).toHaveText("预警已办结。");
  await expect(page.locator("tr", { hasText: "一级（红色）预警" })).toHaveCount(0);
  await fitsThePhone(page);

  // The household's file: the visit, its photo and the warning's outcome, from the worker's register.
  await page.goto("/review");
  await page.getByRole("link", { name: "监测对象名册" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("监测对象名册");
  await fitsThePhone(page);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出名册台账（Excel）" }).click();
  expect((await download).suggestedFilename()).toMatch(/^监测对象名册-\d{4}-\d{2}-\d{2}\.xlsx$/);
  await page.getByRole("link", { name: "马秀英", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("户档案：甘州区东街街道 城关村");
  await expect(page.locator("main")).toContainText("户主住院，家中无其他劳动力，已协助申请低保");
  await expect(page.locator("main")).toContainText(`帮助申请救助（申请编号 ${reference}）`);
  await expect(page.locator("main")).toContainText("医疗保障局：大额医疗支出");
  await expect(page.locator("main")).not.toContainText(member);
  await fitsThePhone(page);
  const photo = await page.request.get((await page.getByRole("link", { name: "走访照片1" }).getAttribute("href")) ?? "");
  expect(photo.status()).toBe(200);
  expect(photo.headers()["content-type"]).toBe("image/jpeg");
});

test("an administrator creates a village worker's account, who signs in with the password shown once, on a phone", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  await signInAsNewAdmin(page, `acct-admin-${project}`);
  await page.getByRole("link", { name: "系统管理" }).click();
  await page.getByRole("link", { name: "创建工作人员账号" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("创建工作人员账号");
  await fitsThePhone(page);
  const username = `acct-village-${project}`;
  await page.getByLabel("登录名").fill("王 协理");
  await page.getByLabel("姓名").fill("王协理");
  await page.getByLabel("村（社区）协理员").check();
  await page.getByRole("button", { name: "创建账号并显示初始密码" }).click();
  await expect(page.locator(".field-error").first()).toContainText("登录名为3到32位小写字母");
  await expect(page.locator("#township").locator("..").locator(".field-error")).toContainText("请选择所在乡镇（街道）");
  await expect(page.getByLabel("姓名")).toHaveValue("王协理");
  await expect(page.getByLabel("村（社区）协理员")).toBeChecked();
  await fitsThePhone(page);
  await page.getByLabel("登录名").fill(username);
  await page.getByLabel("所在乡镇（街道）").selectOption("620702001");
  await page.getByLabel("负责的村（社区）").fill("红沙窝村");
  await page.getByRole("button", { name: "创建账号并显示初始密码" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("账号已创建");
  await fitsThePhone(page);
  const password = ((await page.locator("code.token").textContent()) ?? "").trim();
  expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

  await page.context().clearCookies();
  await page.goto("/review/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("link", { name: "登记走访发现的困难家庭" })).toBeVisible();
  await expect(page.getByRole("link", { name: "系统管理" })).toHaveCount(0);
});

test("a village worker registers a household found at the door, on a phone", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const worker = `found-village-${project}`;
  createStaff(worker, "village", "620702001/红沙窝村");
  await signIn(page, worker);
  await page.getByRole("link", { name: "登记走访发现的困难家庭" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("登记走访发现的困难家庭");
  await fitsThePhone(page);
  await page.getByLabel("走访情况").fill("独居老人，房屋漏雨");
  await page.getByRole("button", { name: "登记走访" }).click();
  await expect(page.locator(".field-error").first()).toContainText("请至少填写一位家庭成员");
  await expect(page.getByLabel("走访情况")).toHaveValue("独居老人，房屋漏雨");
  await page.getByLabel("成员1姓名").fill("王桂花");
  await page.getByLabel("成员1身份证号码").fill(idNumber(project === "phone-js-on" ? "62070219450101302" : "62070219460101302"));
  await page.getByLabel("遭受灾害").check();
  await page.getByRole("button", { name: "登记走访" }).click();
  await expect(page.getByRole("status")).toContainText("已纳入低收入人口监测");
  await expect(page.getByRole("link", { name: "代办申请" })).toBeVisible();
  await fitsThePhone(page);
});

test("a warning referred to 残联 reaches the department, which answers from a phone", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const member = idNumber(project === "phone-js-on" ? "62070219550101302" : "62070219560101302");
  await signInAsNewAdmin(page, `ref-admin-${project}`);
  await page.goto("/admin#events");
  await page.getByLabel("数据来源部门").selectOption({ label: "残疾人联合会" });
  // The household is not on the register yet: the report says so for that row, and imports nothing.
  const events = `reference_id,id_number,kind,disability_grade\nCL-${project},${member},disability_certificate,1\n`;
  await page.getByLabel("CSV文件", { exact: true }).setInputFiles({ name: "events.csv", mimeType: "text/csv", buffer: Buffer.from(events) });
  await page.getByRole("button", { name: "导入", exact: true }).click();
  await expect(page.locator("tbody tr").first()).toContainText("未导入：低收入人口数据库中没有此人");
  await fitsThePhone(page);
  await page.goto("/admin#rolls");
  const roll = `household_no,township_code,village,category,name,id_number\nREF-${project},620702001,城关村,低保边缘家庭,马红梅,${member}\n`;
  await page.getByLabel("名单CSV文件").setInputFiles({ name: "roll.csv", mimeType: "text/csv", buffer: Buffer.from(roll) });
  await page.getByRole("button", { name: "导入名单" }).click();
  await page.goto("/admin#events");
  await page.getByLabel("数据来源部门").selectOption({ label: "残疾人联合会" });
  await page.getByLabel("CSV文件", { exact: true }).setInputFiles({ name: "events.csv", mimeType: "text/csv", buffer: Buffer.from(events) });
  await page.getByRole("button", { name: "导入", exact: true }).click();
  await expect(page.locator("tbody tr").first()).toContainText("已导入，产生预警");
  await page.context().clearCookies();

  const township = `ref-township-${project}`;
  createStaff(township, "township", "620702001");
  await signIn(page, township);
  await page.goto("/review/warnings");
  await page.locator("tr", { hasText: "新办残疾人证" }).first().getByRole("link", { name: "新办残疾人证" }).click();
  await page.getByLabel("走访情况").fill("户主新办一级残疾证，卧床需要护理");
  await page.getByLabel("新办残疾人证").check();
  await page.getByLabel("推送有关部门").check();
  await page.getByLabel("推送的部门").selectOption({ label: "残疾人联合会" });
  await page.getByRole("button", { name: "记录走访并办结预警" }).click();
  await expect(page.getByRole("status")).toHaveText("预警已办结。");
  await page.context().clearCookies();

  const officer = `ref-canlian-${project}`;
  createStaff(officer, "department", "disabled-persons");
  await signIn(page, officer);
  await expect(page.getByRole("heading", { name: "预警转介（低收入人口监测）" })).toBeVisible();
  await fitsThePhone(page);
  await page.locator("tr", { hasText: "新办残疾人证" }).last().getByRole("link", { name: "新办残疾人证" }).click();
  await expect(page.locator("main")).toContainText(`马红梅 ${member}`);
  await expect(page.locator("main")).toContainText("户主新办一级残疾证，卧床需要护理");
  await page.getByLabel("本部门办理情况").fill("好");
  await page.getByRole("button", { name: "提交办理情况" }).click();
  await expect(page.locator(".field-error").first()).toContainText("请写明办理情况");
  await expect(page.getByLabel("本部门办理情况")).toHaveValue("好");
  await page.getByLabel("本部门办理情况").fill("已上门评估，纳入重度残疾人护理补贴");
  await page.getByRole("button", { name: "提交办理情况" }).click();
  await expect(page.getByRole("status")).toHaveText("本部门已办理。");
  await fitsThePhone(page);
});
