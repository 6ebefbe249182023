import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The release server built by `cargo leptos build --release`, on its own port with a fresh database.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = mkdtempSync(join(tmpdir(), "portal-e2e-"));

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
      PORTAL_DATABASE_URL: `sqlite://${dataDir}/portal.db`,
      PORTAL_DATA_DIR: dataDir,
      LEPTOS_OUTPUT_NAME: "portal",
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_ENV: "PROD",
      RUST_LOG: "warn",
    },
  },
});
