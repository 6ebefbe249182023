import type { Page, Response } from "@playwright/test";

/** Bytes that crossed the wire (compressed) for one page load, by kind of resource. */
export type Weight = { document: number; css: number; script: number; wasm: number };

/** Page weight budgets for a cheap phone on a slow link (critical path about 150 KB). */
export const BUDGET = {
  /** HTML + CSS of a page, compressed. */
  htmlAndCss: 30 * 1024,
  /** JS + wasm of any page, compressed. */
  scriptAndWasm: 150 * 1024,
};

/** Loads `path` and adds up the compressed bytes of every response, grouped by kind. */
export async function weighPage(page: Page, path: string): Promise<Weight> {
  const weight: Weight = { document: 0, css: 0, script: 0, wasm: 0 };
  const responses: Response[] = [];
  const collect = (r: Response) => responses.push(r);
  page.on("response", collect);
  await page.goto(path, { waitUntil: "networkidle" });
  page.off("response", collect);
  for (const response of responses) {
    const sizes = await response.request().sizes();
    // A response served from the browser cache reports no transfer size: count its full body instead,
    // so that a cached file can only make the figure larger, never hide it.
    const bytes =
      sizes.responseBodySize > 0 ? sizes.responseBodySize : (await response.body().catch(() => Buffer.alloc(0))).length;
    const type = response.headers()["content-type"] ?? "";
    if (type.includes("text/html")) weight.document += bytes;
    else if (type.includes("text/css")) weight.css += bytes;
    else if (type.includes("javascript")) weight.script += bytes;
    else if (type.includes("wasm")) weight.wasm += bytes;
  }
  return weight;
}
