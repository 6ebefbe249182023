import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { e2eDatabaseUrl } from "../playwright.config";

const PASSWORD = "e2e admin passphrase";

test("an administrator adds a county hotline that then shows on every page", async ({ page }, testInfo) => {
  const username = `admin-${testInfo.project.name}`;
  execFileSync("../target/release/server", ["create-admin", "--username", username, "--name", "管理员"], {
    env: { ...process.env, PORTAL_DATABASE_URL: e2eDatabaseUrl, PORTAL_NEW_STAFF_PASSWORD: PASSWORD, RUST_LOG: "warn" },
  });
  await page.goto("/review/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByRole("link", { name: "系统管理" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("系统管理");

  const label = `临泽县民政局热线-${testInfo.project.name}`;
  await page.getByLabel("所属县区").selectOption({ label: "临泽县" });
  await page.getByLabel("名称").fill(label);
  await page.getByLabel("电话号码").fill("0936-5551234");
  await page.getByRole("button", { name: "添加" }).click();
  await expect(page.getByText("热线已保存")).toBeVisible();

  await page.goto("/guide");
  const line = page.locator(".site-footer li", { hasText: label });
  await expect(line.getByRole("link", { name: "0936-5551234" })).toHaveAttribute("href", "tel:09365551234");
});
