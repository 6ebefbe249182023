import { expect, test } from "@playwright/test";
import { BUDGET, weighPage } from "./budget";

const PAGES = ["/", "/apply", "/apply/identity", "/status", "/notices", "/guide", "/report", "/contact", "/review/login"];
/** Pages with an island (here the photo field that scales photos down): they load the wasm only when
 * JavaScript runs, with no preload hints that a browser would follow with JavaScript off. */
const ISLAND_PAGES = ["/report"];

test.describe("site shell on a 360 px phone", () => {
  for (const path of PAGES) {
    test(`${path} renders in Chinese, fits the screen and stays within budget`, async ({ page }, testInfo) => {
      const weight = await weighPage(page, path);
      await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
      await expect(page.locator(".site-name")).toHaveText("张掖市社会救助服务平台");
      await expect(page.getByRole("navigation", { name: "主导航" }).getByRole("link")).toHaveCount(5);
      await expect(page.locator('.site-footer a[href="tel:12345"]')).toBeVisible();

      // Nothing wider than the phone: no sideways scrolling.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      console.log(`weight ${path}: ${JSON.stringify(weight)}`);
      expect(weight.document + weight.css).toBeLessThanOrEqual(BUDGET.htmlAndCss);
      expect(weight.script + weight.wasm).toBeLessThanOrEqual(BUDGET.scriptAndWasm);
      if (ISLAND_PAGES.includes(path) && testInfo.project.name.includes("js-on")) {
        expect(weight.wasm).toBeGreaterThan(0);
      } else {
        // No interactive widget, or no JavaScript to run one: no script and no wasm at all.
        expect(weight.script + weight.wasm).toBe(0);
      }
    });
  }

  test("touch targets in the header are at least 24 px", async ({ page }) => {
    await page.goto("/");
    for (const target of await page.locator(".site-header a, .site-header button:visible").all()) {
      const box = await target.boundingBox();
      expect(box, "visible target").not.toBeNull();
      expect(box!.height).toBeGreaterThanOrEqual(24);
      expect(box!.width).toBeGreaterThanOrEqual(24);
    }
  });

  test("navigation reaches the report area, which starts with the hotlines", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "举报监督" }).click();
    await expect(page).toHaveURL(/\/report$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("举报骗取救助等问题");
    await expect(page.getByRole("heading", { level: 2 }).first()).toHaveText("电话举报");
  });

  test("elder mode enlarges the text and is remembered across pages", async ({ page }) => {
    await page.goto("/guide");
    const normalSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    await page.getByRole("button", { name: "长辈模式" }).click();
    await expect(page).toHaveURL(/\/guide$/);
    await expect(page.locator("html")).toHaveClass(/elder/);
    const elderSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(elderSize).toBeGreaterThan(normalSize * 1.2);

    await page.goto("/notices");
    await expect(page.locator("html")).toHaveClass(/elder/);
    await page.getByRole("button", { name: "标准模式" }).click();
    await expect(page.locator("html")).not.toHaveClass(/elder/);
  });

  test("an unknown address shows the Chinese 404 page", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("页面不存在");
    await page.getByRole("link", { name: "返回首页" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("the page has no console errors (CSP, scripts)", async ({ page }) => {
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/", { waitUntil: "networkidle" });
    expect(errors).toEqual([]);
  });
});
