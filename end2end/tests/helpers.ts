import { expect, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { e2eDatabaseUrl, smsOutboxFile } from "../playwright.config";

/** The text of the last message the development SMS sender "sent" to `phone` (it sends nothing). */
export function lastSmsTo(phone: string): string {
  const lines = readFileSync(smsOutboxFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  return lines.filter((m) => m.to === phone).pop().text;
}

/** The last code the development SMS sender "sent" to `phone` (a status message sent by the background
 * worker may arrive after it). */
export function lastCodeTo(phone: string): string {
  const code = /验证码是?(\d{6})/;
  const lines = readFileSync(smsOutboxFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  return lines.filter((m) => m.to === phone && code.test(m.text)).pop().text.match(code)![1];
}

export const STAFF_PASSWORD = "e2e staff passphrase";

/** Creates a staff account with the server's own command line, as an operator would. */
export function createStaff(username: string, role: string, scope: string) {
  execFileSync(
    "../target/release/server",
    ["create-staff", "--username", username, "--name", "李审核", "--role", role, "--scope", scope],
    { env: { ...process.env, PORTAL_DATABASE_URL: e2eDatabaseUrl, PORTAL_NEW_STAFF_PASSWORD: STAFF_PASSWORD, RUST_LOG: "warn" } },
  );
}

export async function signIn(page: Page, username: string) {
  await page.goto("/review/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/review$/);
}

/** Runs SQL on the e2e server's SQLite file, to let time pass for the tests. */
function timeTravel(sql: string) {
  const file = e2eDatabaseUrl.replace("sqlite://", "");
  execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", file, sql]);
}

/** Lets the notice period of every case end, as if a week had gone by. */
export function endNoticePeriods() {
  timeTravel("UPDATE applications SET notice_until = '2000-01-01'; UPDATE notices SET published_until = '2000-01-01';");
}

/** Lets the one-minute resend cooldown of every SMS code pass. */
export function passResendCooldown() {
  timeTravel("UPDATE otp_codes SET created_at = created_at - 120;");
}

/** The shortest complete application, from the SMS check to the receipt: 低保 (and the special assistance
 * types given by key) in 东街街道; returns the reference. */
export async function applyFor(page: Page, phone: string, name: string, idNumber: string, specialTypes: string[] = []): Promise<string> {
  await page.goto("/apply/identity");
  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByLabel("姓名").fill(name);
  await page.getByLabel("身份证号码").fill(idNumber);
  await page.getByRole("button", { name: "下一步" }).click();
  return fillApplication(page, specialTypes);
}

/** From the identity's "done" page to the receipt: the shortest complete 低保 application in 东街街道
 * 城关村; returns the reference. */
export async function fillApplication(page: Page, specialTypes: string[] = []): Promise<string> {
  await page.getByRole("link", { name: "填写申请表" }).click();
  await page.getByLabel("最低生活保障（低保）").check();
  for (const key of specialTypes) await page.locator(`#types-${key}`).check();
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("户籍所在乡镇（街道）").selectOption({ label: "东街街道" });
  await page.getByLabel("所在村（社区）").fill("城关村");
  await page.getByLabel("现在的住址").fill("3组15号");
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByRole("button", { name: "家庭成员已填完，下一步" }).click();
  await page.getByLabel("养老金、补贴、赡养费等").fill("300");
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("没有自有住房").check();
  await page.getByLabel("没有机动车").check();
  await page.getByLabel("没有或少于1万元").check();
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("家里遇到了什么困难").fill("老伴去世，一个人生活，只有少量养老金。");
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel(/同意民政部门核对家庭经济状况/).check();
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("申请已提交");
  return (await page.locator("#reference").textContent())!.trim();
}

/** Records the home visit and the economic check on the open case page. */
export async function recordInvestigation(page: Page) {
  await page.getByLabel("办理意见").fill("入户核实，家中无劳动力，情况属实");
  await page.getByRole("button", { name: "记录入户调查" }).click();
  await page.getByLabel("办理意见").fill("银行存款、不动产、车辆核对无异常");
  await page.getByRole("button", { name: "记录经济状况核对结果" }).click();
}

/** Signs in as a new township reviewer of 东街街道 and takes the case to a published notice. */
export async function publishNotice(page: Page, reference: string, reviewer: string) {
  createStaff(reviewer, "township", "620702001");
  await page.context().clearCookies();
  await signIn(page, reviewer);
  await page.goto(`/review/case/${reference}`);
  await page.getByRole("button", { name: "受理" }).click();
  await recordInvestigation(page);
  await page.getByLabel("每月救助金额（元）").fill("530");
  await page.getByRole("button", { name: "乡镇审核通过" }).click();
  await page.getByRole("button", { name: "发布公示" }).click();
  await expect(page.locator(".status-line")).toContainText("公示中");
  await page.context().clearCookies();
}

/** A phone-camera-sized JPEG (4000 × 3000, about 6.5 MB: over the 5 MB limit), drawn and encoded by
 * Chromium in a page of its own (so it works for the JavaScript-off projects too). */
export async function largePhoto(browser: Browser): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const base64 = await page.evaluate(async () => {
    const [width, height] = [4000, 3000];
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context2d = canvas.getContext("2d")!;
    const image = context2d.createImageData(width, height);
    // A gradient with grain, which JPEG cannot squeeze much: like a real photo, not a flat test card.
    let seed = 7;
    for (let i = 0; i < image.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const pixel = i / 4;
      const shade = ((pixel % width) / 16 + Math.floor(pixel / width) / 12) % 256;
      const grain = (seed >> 8) & 63;
      image.data.set([shade + grain, 255 - shade + grain, grain * 3, 255], i);
    }
    context2d.putImageData(image, 0, 0);
    const blob: Blob = await new Promise((done) => canvas.toBlob((b) => done(b!), "image/jpeg", 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  await context.close();
  return { name: "IMG_20261129_101500.jpg", mimeType: "image/jpeg", buffer: Buffer.from(base64, "base64") };
}
