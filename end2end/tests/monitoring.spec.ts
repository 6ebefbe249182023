import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { e2eDatabaseUrl } from "../playwright.config";
import { createStaff, signIn } from "./helpers";

const ADMIN_PASSWORD = "e2e admin passphrase";
/** The e2e server runs in development mode, with the development data key. */
const DEV_DATA_KEY = "development-only-data-key-not-for-production";

/** A valid 18-character ID number from its first 17 digits (GB 11643 check character). */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

/**
 * Puts a household on the monitoring register as an import of 乡村振兴's roll will (that import is not
 * built yet): its member is matched on the keyed hash of the ID number, as the portal computes it.
 */
function onRegister(id: string, township: string) {
  const hash = createHmac("sha256", DEV_DATA_KEY).update(`register member\0${id}`).digest("hex");
  const sql = `INSERT INTO monitored_households (county_code, township_code, village, category, source, sealed, created_at, updated_at)
      VALUES ('${township.slice(0, 6)}', '${township}', '城关村', NULL, 'import', 'sealed', 0, 0);
    INSERT INTO monitored_members (id_hash, household_id) VALUES ('${hash}', last_insert_rowid());`;
  const file = e2eDatabaseUrl.replace("sqlite://", "");
  execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", file, sql]);
}

async function fitsThePhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

/** The administrator creates 医保's credential on the administration page and copies the token shown. */
async function medicalInsuranceToken(page: Page, project: string): Promise<string> {
  const admin = `mon-admin-${project}`;
  execFileSync("../target/release/server", ["create-admin", "--username", admin, "--name", "管理员"], {
    env: { ...process.env, PORTAL_DATABASE_URL: e2eDatabaseUrl, PORTAL_NEW_STAFF_PASSWORD: ADMIN_PASSWORD, RUST_LOG: "warn" },
  });
  await page.goto("/review/login");
  await page.getByLabel("用户名").fill(admin);
  await page.getByLabel("密码").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.goto("/admin#api");
  await page.getByLabel("部门").selectOption({ label: "医疗保障局" });
  await page.getByLabel("对接系统").fill(`医保结算系统-${project}`);
  await page.getByRole("button", { name: "创建并显示令牌" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("凭据已创建");
  await fitsThePhone(page);
  const token = (await page.locator("code.token").textContent()) ?? "";
  await page.context().clearCookies();
  return token.trim();
}

test("a department's hospital bill becomes a warning the township closes after the visit, on a phone", async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const member = idNumber(project === "phone-js-on" ? "62070219750101302" : "62070219760101302");
  onRegister(member, "620702001");
  const token = await medicalInsuranceToken(page, project);

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

  await page.getByLabel("无需救助").check();
  await page.getByLabel("不需要救助的原因").fill("收入");
  await page.getByRole("button", { name: "办结预警" }).click();
  await expect(page.locator(".field-error").first()).toContainText("请写明不需要救助的原因");
  await expect(page.getByLabel("不需要救助的原因")).toHaveValue("收入");
  await fitsThePhone(page);

  await page.getByLabel("无需救助").check();
  await page.getByLabel("不需要救助的原因").fill("已入户核实，医疗费用已由大病保险报销");
  await page.getByRole("button", { name: "办结预警" }).click();
  await expect(page.getByRole("status")).toHaveText("预警已办结。");
  await expect(page.locator("tr", { hasText: "一级（红色）预警" })).toHaveCount(0);
});
