// Builds the browser app into dist/: app.js (+ lazy chunks), app.css, index.html and public/ assets.
// Usage: node build.mjs [--watch]
import { cp, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const watch = process.argv.includes("--watch");

const options = {
  absWorkingDir: root,
  entryPoints: [
    { in: "src/main.js", out: "app" },
    { in: "src/styles/app.css", out: "app" },
  ],
  chunkNames: "chunks/[name]-[hash]",
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  minify: !watch,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "info",
  define: { "process.env.NODE_ENV": JSON.stringify(watch ? "development" : "production") },
};

// The API explorer at /schema runs Swagger UI from these files, so it needs no CDN.
const SWAGGER_FILES = ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"];

async function copyStatic() {
  await mkdir(dist, { recursive: true });
  await cp(join(root, "index.html"), join(dist, "index.html"));
  await cp(join(root, "public"), dist, { recursive: true });
  await mkdir(join(dist, "vendor", "swagger-ui"), { recursive: true });
  for (const file of SWAGGER_FILES) {
    await cp(join(root, "node_modules", "swagger-ui-dist", file), join(dist, "vendor", "swagger-ui", file));
  }
}

await rm(dist, { recursive: true, force: true });
await copyStatic();
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
