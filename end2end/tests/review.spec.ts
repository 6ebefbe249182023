import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { e2eDatabaseUrl } from "../playwright.config";

const PASSWORD = "e2e staff passphrase";

/** Creates a township reviewer with the server's own command line, as an operator would. */
function createReviewer(username: string) {
  execFileSync(
    "../target/release/server",
    ["create-staff", "--username", username, "--name", "李审核", "--role", "township", "--scope", "620702001"],
    { env: { ...process.env, PORTAL_DATABASE_URL: e2eDatabaseUrl, PORTAL_NEW_STAFF_PASSWORD: PASSWORD, RUST_LOG: "warn" } },
  );
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

  await page.getByLabel("密码").fill(PASSWORD);
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
