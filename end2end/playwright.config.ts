import { defineConfig, devices } from "@playwright/test";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The release server built by `cargo leptos build --release`, on its own port with a fresh database.
// The folder is named by the port so that test workers (which load this file again) find the same one;
// only the main process empties it.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = join(tmpdir(), `portal-e2e-${port}`);
if (!process.env.TEST_WORKER_INDEX) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
}
export const e2eDatabaseUrl = `sqlite://${dataDir}/portal.db`;
/** The development SMS sender appends each message here (it sends nothing). */
export const smsOutboxFile = join(dataDir, "sms-outbox.jsonl");

// Debian's Chromium; Playwright's own browser download cannot be reached here.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// A cheap Android phone: 360 px wide, touch.
const phone = {
  ...devices["Pixel 5"],
  viewport: { width: 360, height: 740 },
  launchOptions: chromium,
  locale: "zh-CN",
};

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: { baseURL: `http://127.0.0.1:${port}`, trace: "off" },
  projects: [
    { name: "phone-js-on", use: { ...phone, javaScriptEnabled: true } },
    { name: "phone-js-off", use: { ...phone, javaScriptEnabled: false } },
  ],
  webServer: {
    command: "../target/release/server",
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORTAL_LISTEN_ADDR: `127.0.0.1:${port}`,
      PORTAL_DATABASE_URL: e2eDatabaseUrl,
      PORTAL_DATA_DIR: dataDir,
      PORTAL_SMS_DEV_OUTBOX_FILE: smsOutboxFile,
      // Every test comes from 127.0.0.1: the per-IP SMS budget is sized for the whole suite here (the
      // limit itself is tested in the server's integration tests).
      PORTAL_SMS_IP_BURST: "100",
      // No random re-check draws: the county flow in the tests is deterministic.
      PORTAL_RECHECK_SHARE_PERCENT: "0",
      // Reports and receipt checks from 127.0.0.1 for the whole suite (limits tested in server/tests/api/reports.rs).
      PORTAL_REPORTS_PER_HOUR: "100",
      PORTAL_RECEIPT_CHECKS_PER_QUARTER_HOUR: "100",
      LEPTOS_OUTPUT_NAME: "portal",
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_ENV: "PROD",
      RUST_LOG: "warn",
    },
  },
});
