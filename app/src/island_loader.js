// Wakes the islands of this page once the browser is idle. Loaded only by pages with an island, and
// without preload hints, so a browser with JavaScript off downloads neither the script nor the wasm.
((jsPath, wasmPath) => {
  if (window.__portalIslandsLoading) return;
  window.__portalIslandsLoading = true;
  const wake = async () => {
    const bundle = await import(jsPath);
    await bundle.default({ module_or_path: wasmPath });
    bundle.hydrate();
    for (const island of document.querySelectorAll("leptos-island")) {
      const hydrateIsland = bundle[island.dataset.component];
      if (hydrateIsland) await hydrateIsland(island);
    }
  };
  if ("requestIdleCallback" in window) requestIdleCallback(wake);
  else wake();
})
