import { expect, test } from "@playwright/test";

test.describe("eligibility self-check on a 360 px phone", () => {
  test("a rural household of three on 1200 yuan is pointed to 低保", async ({ page }) => {
    await page.goto("/apply");
    await page.getByLabel("户籍所在县区").selectOption({ label: "甘州区" });
    await page.getByLabel("农村户口").check();
    await page.getByLabel("家里一共几口人").fill("3");
    await page.getByLabel("全家每月总收入（元）").fill("1200");
    await page.getByLabel("是，不多").check();
    await page.getByRole("button", { name: "查看结果" }).click();

    const result = page.locator("#result");
    await expect(result.getByRole("heading", { name: "自查结果" })).toBeVisible();
    await expect(result).toContainText("最低生活保障（低保）");
    await expect(result).toContainText("尚待当地民政部门核定");
    // The answers are still there to change.
    await expect(page.getByLabel("家里一共几口人")).toHaveValue("3");
  });

  test("a mistake is explained next to the field and what was typed is kept", async ({ page }) => {
    await page.goto("/apply");
    await page.getByLabel("家里一共几口人").fill("三口");
    await page.getByRole("button", { name: "查看结果" }).click();

    const summary = page.getByRole("alert");
    await expect(summary).toContainText("请修改以下内容");
    await expect(page.locator("#household_size-error")).toHaveText("请填写家庭人口数，只填数字，例如 3");
    await expect(page.getByLabel("家里一共几口人")).toHaveValue("三口");
    await summary.getByRole("link", { name: /请填写家庭人口数/ }).click();
    await expect(page).toHaveURL(/#household_size$/);
  });
});
