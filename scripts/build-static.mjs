// Builds the front end into static/dist: one Arial stylesheet (GOV.UK + MOJ
// components + ours) and the few scripts the pages use. Runs offline.
import { compile } from "sass";
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";

const out = "static/dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/js`, { recursive: true });

const css = compile("static/src/app.scss", {
  loadPaths: ["node_modules", "."],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div"],
});
writeFileSync(`${out}/app.css`, css.css);

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js", "js/moj-frontend.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
  ["node_modules/govuk-frontend/dist/govuk/assets/images", "assets/images"],
  ["node_modules/govuk-frontend/dist/govuk/assets/manifest.json", "assets/manifest.json"],
];
for (const [from, to] of copies) cpSync(from, `${out}/${to}`, { recursive: true });
console.log(`built ${out}`);
