// Copies the pinned GOV.UK Frontend script into static/build at set-up.
// Its images are GOV.UK's own brand, so the Quality Mark ships its own.
import { cpSync, mkdirSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
const target = "static/build/govuk";
mkdirSync(target, { recursive: true });
cpSync(`${source}/govuk-frontend.min.js`, `${target}/govuk-frontend.min.js`);
