import { expect, test } from "@playwright/test";
import { largePhoto, lastCodeTo } from "./helpers";

const photo = "../server/tests/fixtures/gps-photo.jpg";
const APPLICANT_ID = "620702197001012029";
const CHILD_ID = "620702201203050022";

test("a resident applies on a phone, fixes a mistake, checks the answers and gets a reference", async ({ page, browser }, testInfo) => {
  const phone = testInfo.project.name.includes("off") ? "13900000011" : "13900000012";
  await page.goto("/apply/identity");
  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await page.getByLabel("短信验证码").fill(lastCodeTo(phone));
  await page.getByLabel("姓名").fill("王秀兰");
  await page.getByLabel("身份证号码").fill(APPLICANT_ID);
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByRole("link", { name: "填写申请表" }).click();

  await expect(page.getByText("第1步，共8步")).toBeVisible();
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await expect(page.locator(".error-summary")).toContainText("请至少选择一项救助");
  await page.getByLabel("最低生活保障（低保）").check();
  await page.getByRole("button", { name: "保存，下一步" }).click();

  await page.getByLabel("户籍所在乡镇（街道）").selectOption({ label: "东街街道" });
  await page.getByLabel("所在村（社区）").fill("城关村");
  await page.getByLabel("现在的住址").fill("3组15号");
  await page.getByRole("button", { name: "保存，下一步" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("家庭成员");
  await page.getByLabel("和您的关系").selectOption("child");
  await page.getByLabel("姓名").fill("王小明");
  await page.getByLabel("身份证号码").fill(CHILD_ID.slice(0, 16));
  await page.getByRole("button", { name: "添加这位成员" }).click();
  await expect(page.locator("#member_id_number-error")).toContainText("18位");
  await expect(page.getByLabel("姓名")).toHaveValue("王小明");
  await page.getByLabel("身份证号码").fill(CHILD_ID);
  await page.getByRole("button", { name: "添加这位成员" }).click();
  await expect(page.locator(".members")).toContainText("子女 王小明");
  await page.getByRole("button", { name: "家庭成员已填完，下一步" }).click();

  await page.getByLabel("养老金、补贴、赡养费等").fill("300");
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("有1套住房").check();
  await page.getByLabel("没有机动车").check();
  await page.getByLabel("没有或少于1万元").check();
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("看病、住院、买药").fill("18000");
  await page.getByRole("button", { name: "保存，下一步" }).click();
  await page.getByLabel("家里遇到了什么困难").fill("去年查出尿毒症，每周透析三次，没法再出去打工。");
  await page.getByRole("button", { name: "保存，下一步" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("核对并提交");
  await expect(page.locator(".answers")).toContainText("每月约 300 元");
  // Change one answer: Back keeps what was entered, and the page returns to the check.
  await page.locator('a[href="/apply/form/income?return=check"]').click();
  await expect(page.getByLabel("养老金、补贴、赡养费等")).toHaveValue("300");
  await page.getByLabel("养老金、补贴、赡养费等").fill("350");
  await page.getByRole("button", { name: "保存并返回核对" }).click();
  await expect(page.locator(".answers")).toContainText("每月约 350 元");

  // Documents: the missing ones are listed; a photo of the 户口簿 is taken off the list once uploaded.
  // With JavaScript it is a full-size phone photo, scaled down before the post.
  await expect(page.locator(".missing-documents")).toContainText("户口簿");
  await page.getByLabel("上传的是什么材料").selectOption({ label: "户口簿" });
  if (testInfo.project.name.includes("off")) {
    await page.getByLabel("照片或 PDF 文件").setInputFiles(photo);
  } else {
    await page.getByLabel("照片或 PDF 文件").setInputFiles(await largePhoto(browser));
    await expect(page.getByRole("status")).toContainText("照片已缩小");
  }
  await page.getByRole("button", { name: "上传材料" }).click();
  await expect(page.locator(".uploaded-documents")).toContainText("户口簿：照片");
  await expect(page.locator(".missing-documents")).not.toContainText("户口簿");

  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.locator("#consent-error, .field-error").first()).toContainText("同意核对家庭经济状况");
  await page.getByLabel(/同意民政部门核对家庭经济状况/).check();
  await page.getByRole("button", { name: "提交申请" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("申请已提交");
  await expect(page.locator("#reference")).toHaveText(/^ZY\d{8}-[2-9A-Z]{6}$/);
  await expect(page.locator(".next-steps")).toContainText("受理");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);

  // The receipt to keep: a picture named by its reference, and the page printed without the site's menus.
  const reference = (await page.locator("#reference").textContent())!.trim();
  const image = page.getByRole("img", { name: `申请回执图片：申请编号 ${reference}` });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(720);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载回执图片" }).click();
  expect((await download).suggestedFilename()).toBe(`申请回执-${reference}.png`);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(image).toBeHidden();
  await expect(page.locator("#reference")).toHaveText(reference);
  await expect(page.locator(".next-steps")).toBeVisible();
});
